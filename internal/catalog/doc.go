// Package catalog holds the control frameworks Vigil measures a hospital
// against, as data: the HIPAA Security Rule, the HIPAA proposed rule of 2025,
// NIST CSF 2.0, HICP, the HPH Cybersecurity Performance Goals and FDA 524B,
// with crosswalks between them, and a reader for OSCAL catalogs a hospital
// brings (NIST SP 800-53, its own policy catalog).
//
// # Data layout
//
// data/<framework>.yaml holds one framework: its id, title, version (the
// edition the controls come from), source citation, an optional proposed
// flag and note, and its controls, parents before children:
//
//	id: "hipaa"
//	title: "HIPAA Security Rule"
//	version: "..."
//	source: "45 CFR 164.308 ..."
//	controls:
//	  - id: "164.308(a)(1)(ii)(A)"
//	    parent: "164.308(a)(1)(i)"
//	    kind: "implementation-spec"
//	    title: "Risk analysis"
//	    requirement: "required"
//
// data/crosswalks/<from>-<to>.yaml links controls of one framework to
// controls of another. Each link names its source control, its targets, and
// how it was made: "derived" from a published mapping (with the published
// ids kept in "via" so a test can recompute it) or "editorial" (Vigil's own
// reading). The file's "derivation" text says how, in full.
//
// Everything is embedded in the binary. Load reads it into a new Catalog each
// time; there is no package-level state. The files are checked by the tests:
// exact counts against the reference, every crosswalk target exists, and the
// csf2 file agrees with NIST's own OSCAL catalog.
package catalog
