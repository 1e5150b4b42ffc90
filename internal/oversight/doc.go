// Package oversight is the vendor oversight engine: which devices a vendor
// makes or services, the vendor's risk tier from them, which agreements and
// certifications are missing, expired or expiring, and which vendor a
// remote session belongs to. It is pure: it reads what it is given and
// never the store; internal/vendors and internal/compliance call it.
package oversight
