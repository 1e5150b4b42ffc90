// Package discover is Vigil's passive discovery engine: it reads captures
// through internal/capture, runs the internal/dissect dissectors on every
// packet and reassembled stream, and builds one record per device seen on
// the wire (keyed by MAC, or by IP for routed hosts) with the protocols it
// speaks, the identities it announces and the audit findings it raises.
package discover

import (
	"log/slog"
	"net/netip"

	"github.com/vigil-health/vigil/internal/bound"
)

// Options tunes a discovery run. The zero value is usable.
type Options struct {
	// ClinicalVLANs and ClinicalSubnets define the clinical segment: a device
	// carrying ePHI outside them raises phi-outside-clinical-segment. When
	// both are empty that finding is not evaluated.
	ClinicalVLANs   []uint16
	ClinicalSubnets []netip.Prefix
	// VendorOf maps a MAC to its manufacturer (the OUI registry); nil leaves
	// the manufacturer to what protocols reveal.
	VendorOf func(mac string) string
	// StreamBuffer caps the bytes buffered per TCP flow direction while a
	// PDU is incomplete (default 64 KiB).
	StreamBuffer int
	// ScanThreshold is the number of distinct unanswered targets (address or
	// address:port) after which a host is an active scanner (default 24).
	ScanThreshold int
	// MaxFlowSummaries caps the flows listed in the report (default 10000).
	MaxFlowSummaries int
	// Limits holds capture files to limits as they are read (zero fields
	// take the defaults): RecordBytes bounds a record, Inflated what a
	// gzipped capture unpacks to, FieldBytes a value kept from a packet
	// (a host name, an HL7 application, a certificate subject).
	Limits bound.Limits
	// MaxHosts bounds the addresses tracked: IP addresses that sent
	// packets and source MAC addresses, together (default
	// DefaultMaxHosts).
	MaxHosts int
	// Live says the sources include a live capture, which must not stop:
	// past MaxHosts new addresses are no longer tracked, and a value past
	// FieldBytes is not kept, each said once in the warnings and the log,
	// where a file fails with the error naming the limit's flag.
	Live bool
	// Logger receives warnings; nil discards them.
	Logger *slog.Logger
}
