package dissect

import "strings"

// DICOMService is the DICOM service class an abstract syntax (SOP class)
// belongs to.
type DICOMService string

// The service classes Vigil distinguishes.
const (
	DICOMServiceUnknown           DICOMService = ""
	DICOMServiceVerification      DICOMService = "verification"
	DICOMServiceStorage           DICOMService = "storage"
	DICOMServiceStorageCommitment DICOMService = "storage-commitment"
	DICOMServiceWorklist          DICOMService = "modality-worklist"
	DICOMServiceMPPS              DICOMService = "mpps"
	DICOMServiceQueryFind         DICOMService = "query-find"
	DICOMServiceRetrieveMove      DICOMService = "retrieve-move"
	DICOMServiceRetrieveGet       DICOMService = "retrieve-get"
	DICOMServicePrint             DICOMService = "print"
	DICOMServiceUPS               DICOMService = "unified-procedure-step"
	DICOMServiceInstanceAvailable DICOMService = "instance-availability"
	DICOMServiceOther             DICOMService = "other"
)

// Well-known UIDs.
const (
	DICOMApplicationContext = "1.2.840.10008.3.1.1.1"
	DICOMVerificationSOP    = "1.2.840.10008.1.1"
)

// dicomServiceUIDs maps exact SOP class UIDs to their service.
var dicomServiceUIDs = map[string]DICOMService{
	DICOMVerificationSOP:          DICOMServiceVerification,
	"1.2.840.10008.1.20.1":        DICOMServiceStorageCommitment,
	"1.2.840.10008.5.1.4.31":      DICOMServiceWorklist,
	"1.2.840.10008.3.1.2.3.3":     DICOMServiceMPPS,
	"1.2.840.10008.3.1.2.3.4":     DICOMServiceMPPS, // notification
	"1.2.840.10008.3.1.2.3.5":     DICOMServiceMPPS, // retrieve
	"1.2.840.10008.5.1.4.1.2.1.1": DICOMServiceQueryFind,
	"1.2.840.10008.5.1.4.1.2.1.2": DICOMServiceRetrieveMove,
	"1.2.840.10008.5.1.4.1.2.1.3": DICOMServiceRetrieveGet,
	"1.2.840.10008.5.1.4.1.2.2.1": DICOMServiceQueryFind,
	"1.2.840.10008.5.1.4.1.2.2.2": DICOMServiceRetrieveMove,
	"1.2.840.10008.5.1.4.1.2.2.3": DICOMServiceRetrieveGet,
	"1.2.840.10008.5.1.4.1.2.3.1": DICOMServiceQueryFind,
	"1.2.840.10008.5.1.4.1.2.3.2": DICOMServiceRetrieveMove,
	"1.2.840.10008.5.1.4.1.2.3.3": DICOMServiceRetrieveGet,
	"1.2.840.10008.5.1.4.1.2.4.2": DICOMServiceRetrieveMove, // composite instance root
	"1.2.840.10008.5.1.4.1.2.4.3": DICOMServiceRetrieveGet,
	"1.2.840.10008.5.1.4.1.2.5.3": DICOMServiceRetrieveGet, // composite instance retrieve without bulk data
	"1.2.840.10008.5.1.4.33":      DICOMServiceInstanceAvailable,
	"1.2.840.10008.5.1.4.34.6.1":  DICOMServiceUPS,
	"1.2.840.10008.5.1.4.34.6.2":  DICOMServiceUPS,
	"1.2.840.10008.5.1.4.34.6.3":  DICOMServiceUPS,
	"1.2.840.10008.5.1.4.34.6.4":  DICOMServiceUPS,
	"1.2.840.10008.5.1.4.34.6.5":  DICOMServiceUPS,
}

// DICOMServiceOf returns the service class of a SOP class UID: storage for
// the whole 1.2.840.10008.5.1.4.1.1 storage branch, print for the print
// management branch, and DICOMServiceOther for any other DICOM SOP class.
func DICOMServiceOf(uid string) DICOMService {
	if s, ok := dicomServiceUIDs[uid]; ok {
		return s
	}
	switch {
	case strings.HasPrefix(uid, "1.2.840.10008.5.1.4.1.1."):
		return DICOMServiceStorage
	case strings.HasPrefix(uid, "1.2.840.10008.5.1.1."):
		return DICOMServicePrint
	case strings.HasPrefix(uid, "1.2.840.10008."):
		return DICOMServiceOther
	}
	return DICOMServiceUnknown
}

// dicomTransferSyntaxNames names the common transfer syntaxes.
var dicomTransferSyntaxNames = map[string]string{
	"1.2.840.10008.1.2":       "Implicit VR Little Endian",
	"1.2.840.10008.1.2.1":     "Explicit VR Little Endian",
	"1.2.840.10008.1.2.1.99":  "Deflated Explicit VR Little Endian",
	"1.2.840.10008.1.2.2":     "Explicit VR Big Endian",
	"1.2.840.10008.1.2.4.50":  "JPEG Baseline",
	"1.2.840.10008.1.2.4.51":  "JPEG Extended",
	"1.2.840.10008.1.2.4.57":  "JPEG Lossless",
	"1.2.840.10008.1.2.4.70":  "JPEG Lossless SV1",
	"1.2.840.10008.1.2.4.80":  "JPEG-LS Lossless",
	"1.2.840.10008.1.2.4.81":  "JPEG-LS Near-Lossless",
	"1.2.840.10008.1.2.4.90":  "JPEG 2000 Lossless",
	"1.2.840.10008.1.2.4.91":  "JPEG 2000",
	"1.2.840.10008.1.2.4.100": "MPEG2 MP@ML",
	"1.2.840.10008.1.2.4.102": "MPEG-4 AVC/H.264",
	"1.2.840.10008.1.2.4.201": "HTJ2K Lossless",
	"1.2.840.10008.1.2.5":     "RLE Lossless",
}

// DICOMTransferSyntaxName returns the name of a transfer syntax UID, or ""
// when it is not a common one.
func DICOMTransferSyntaxName(uid string) string { return dicomTransferSyntaxNames[uid] }

// dicomUIDIntern holds the UIDs uidString returns without allocating.
var dicomUIDIntern = func() map[string]string {
	m := map[string]string{DICOMApplicationContext: DICOMApplicationContext}
	for k := range dicomServiceUIDs {
		m[k] = k
	}
	for k := range dicomTransferSyntaxNames {
		m[k] = k
	}
	for _, k := range []string{
		"1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.2",
		"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.4",
		"1.2.840.10008.5.1.4.1.1.4.1", "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.7",
		"1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.20", "1.2.840.10008.5.1.4.1.1.128",
		"1.2.840.10008.5.1.4.1.1.481.1", "1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.22",
		"1.2.840.10008.5.1.4.1.1.88.33", "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.9.1.1",
	} {
		m[k] = k
	}
	return m
}()

// DICOMRejectReason describes the result, source and reason of an
// A-ASSOCIATE-RJ (PS3.8 §9.3.4), e.g. "called AE title not recognized" for
// source 1 reason 7.
func DICOMRejectReason(source, reason uint8) string {
	switch source {
	case 1: // DICOM UL service-user
		switch reason {
		case 1:
			return "no reason given"
		case 2:
			return "application context name not supported"
		case 3:
			return "calling AE title not recognized"
		case 7:
			return "called AE title not recognized"
		}
	case 2: // DICOM UL service-provider (ACSE related function)
		switch reason {
		case 1:
			return "no reason given"
		case 2:
			return "protocol version not supported"
		}
	case 3: // DICOM UL service-provider (presentation related function)
		switch reason {
		case 1:
			return "temporary congestion"
		case 2:
			return "local limit exceeded"
		}
	}
	return "reserved"
}

// IsCalledAERejection reports whether an A-ASSOCIATE-RJ refused the called
// AE title (source 1, reason 7).
func (p *DICOMPDU) IsCalledAERejection() bool {
	return p != nil && p.Type == DICOMAssociateRJ && p.Source == 1 && p.Reason == 7
}

// DICOMExchange is one association attempt on a flow: the A-ASSOCIATE-RQ
// from the SCU and the SCP's answer (an A-ASSOCIATE-AC or -RJ, nil if none
// was seen).
type DICOMExchange struct {
	Request  *DICOMPDU
	Response *DICOMPDU
}

// DICOMAEVerdict is what DICOMAcceptsAnyAE concludes about one SCP.
type DICOMAEVerdict struct {
	AcceptedTitles []string // distinct called AE titles the SCP accepted, in order seen
	RejectedTitles []string // called AE titles refused with source 1 reason 7
	AnyAE          bool     // the SCP accepted a called AE title that is not its own
	Evidence       string   // the accepted foreign title, when AnyAE
}

// DICOMAcceptsAnyAE examines the association attempts made to one SCP (one
// server address and port) and tells whether it accepted an association for
// a called AE title that differs from its own (the dicom-any-ae finding).
//
// ownTitles are the SCP's known AE titles (from the inventory, or from its
// own outbound associations as calling AE). When ownTitles is empty,
// accepting two or more distinct called AE titles is taken as accepting any.
// Titles compare exactly, after padding is trimmed, as PS3.8 requires.
func DICOMAcceptsAnyAE(ownTitles []string, exchanges []DICOMExchange) DICOMAEVerdict {
	var v DICOMAEVerdict
	for _, x := range exchanges {
		if x.Request == nil || x.Response == nil || x.Request.Type != DICOMAssociateRQ {
			continue
		}
		t := x.Request.CalledAETitle
		switch {
		case x.Response.Type == DICOMAssociateAC:
			v.AcceptedTitles = appendUnique(v.AcceptedTitles, t)
		case x.Response.IsCalledAERejection():
			v.RejectedTitles = appendUnique(v.RejectedTitles, t)
		}
	}
	if len(ownTitles) > 0 {
		for _, t := range v.AcceptedTitles {
			if !contains(ownTitles, t) {
				v.AnyAE, v.Evidence = true, t
				break
			}
		}
		return v
	}
	if len(v.AcceptedTitles) >= 2 {
		v.AnyAE, v.Evidence = true, v.AcceptedTitles[1]
	}
	return v
}

func appendUnique(s []string, t string) []string {
	if contains(s, t) {
		return s
	}
	return append(s, t)
}

func contains(s []string, t string) bool {
	for _, x := range s {
		if x == t {
			return true
		}
	}
	return false
}
