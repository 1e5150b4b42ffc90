// Package oversight is the vendor oversight engine: which devices a vendor
// makes or services, the vendor's risk tier from them, which agreements and
// certifications are missing, expired or expiring, and which vendor a
// remote session belongs to. It is pure: it reads what it is given and
// never the store; internal/vendors and internal/compliance call it.
//
// Remote sessions: Sessions ties the remote-access and TLS flows discovery
// stored to the vendors whose endpoints (addresses, host names, TLS names,
// certificate organisations) match their peer, with the inventory device
// at the hospital's end; SessionFindings raises vendor-remote-no-baa and
// vendor-remote-unknown from them. BAAInForce says which version of a
// vendor's BAA was in force at a time; the compliance checks can call it
// and Sessions directly ("every remote-access vendor has a BAA").
package oversight
