package ingest

import vigil "github.com/vigil-health/vigil"

// SourceKindOf is the kind of source a file of the format comes from when
// the user does not say: an nmap scan is a scanner source, every other
// format an inventory.
func SourceKindOf(format string) vigil.SourceKind {
	if format == FormatNmap {
		return vigil.SourceScanner
	}
	return vigil.SourceInventory
}
