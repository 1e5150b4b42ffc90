package checks

import "time"

// Subject is everything a check may read about one device: the "data it
// reads". It is plain data; the compliance service fills it from the store,
// discovery, matching and risk. Field names in CEL are the json tag names
// (device.asset_tag, vulns[0].kev_due_date), so a subject also reads and
// writes as JSON or YAML under the same names, as the tests' fixtures do.
type Subject struct {
	Device   Device       `json:"device"`
	Sources  []Source     `json:"sources"`
	Findings []Finding    `json:"findings"`
	Vulns    []Vuln       `json:"vulns"`
	Flows    []Flow       `json:"flows"`
	Remote   RemoteAccess `json:"remote"`
}

// Device is the device as Vigil resolved it (the fields of vigil.Device,
// with site and owner as names) plus the facts about it that checks need
// and that live beside the inventory: its network segment, its FDA class,
// whether an SBOM and an MDS2 are on record, and the newest firmware its
// manufacturer has validated.
type Device struct {
	ID           int64     `json:"id"`
	AssetTag     string    `json:"asset_tag"`
	Serial       string    `json:"serial"`
	Manufacturer string    `json:"manufacturer"`
	Model        string    `json:"model"`
	Type         string    `json:"type"` // vigil.Device.DeviceType: infusion-pump, patient-monitor, ...
	Firmware     string    `json:"firmware"`
	MAC          string    `json:"mac"`
	IP           string    `json:"ip"`
	Hostname     string    `json:"hostname"`
	Site         string    `json:"site"`       // the hospital's name
	Department   string    `json:"department"` // the department's name, when the site hierarchy has one
	Location     string    `json:"location"`
	Owner        string    `json:"owner"`       // vigil.Device.OwnerTeam
	Criticality  string    `json:"criticality"` // a vigil.Criticality; "" when unknown
	Lifecycle    string    `json:"lifecycle"`   // a vigil.Lifecycle; "" when unknown
	StoresEPHI   bool      `json:"stores_ephi"`
	SendsEPHI    bool      `json:"sends_ephi"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`

	// PatientConnected is true for a device attached to a patient
	// (infusion pump, ventilator, bedside monitor).
	PatientConnected bool `json:"patient_connected"`
	// FDAClass is the FDA device class, "I", "II" or "III"; "" for a device
	// that is not a regulated medical device.
	FDAClass string `json:"fda_class"`
	// CyberDevice is true for a device that meets FD&C Act §524B(c): it
	// runs sponsor-validated software and can connect to a network.
	CyberDevice bool `json:"cyber_device"`
	// EncryptsAtRest is true when the manufacturer (MDS2 STCF) or a person
	// on record says the device encrypts the ePHI it stores.
	EncryptsAtRest bool `json:"encrypts_at_rest"`
	// Segment is the network segment (VLAN or subnet name) the device sits
	// on, "" when unknown.
	Segment string `json:"segment"`
	// SBOM and MDS2 are true when one is on record for the device's model
	// and firmware.
	SBOM bool `json:"sbom"`
	MDS2 bool `json:"mds2"`
	// ValidatedFirmware is the newest firmware its manufacturer has
	// validated for the model, "" when unknown.
	ValidatedFirmware string `json:"validated_firmware"`
	// MDS2EncryptsInTransit and MDS2RemoteService are the MDS2 form's
	// answers (Yes, No, N/A, See Note, "" blank or no form) to TXCF-2 (PII
	// encrypted before transmission) and RMOT-1 (remote service permitted).
	MDS2EncryptsInTransit string `json:"mds2_encrypts_in_transit"`
	MDS2RemoteService     string `json:"mds2_remote_service"`

	// Vendors are the vendor register's vendors that make or service the
	// device; VendorsWithoutBAA those of them without a business associate
	// agreement in force.
	Vendors           []string `json:"vendors"`
	VendorsWithoutBAA []string `json:"vendors_without_baa"`
	// EndOfSupport and EndOfPatches are the manufacturer's announced end of
	// support and of security patches for the model (zero when unknown);
	// SupportState where the model stands at the evaluation's date:
	// supported, end-of-sale, no-patches, unsupported or unknown.
	EndOfSupport time.Time `json:"end_of_support"`
	EndOfPatches time.Time `json:"end_of_patches"`
	SupportState string    `json:"support_state"`
}

// The source roles, as vigil.Source.Role names them.
const (
	RoleClinicalEngineering = "clinical-engineering"
	RoleIT                  = "it"
	RoleScanner             = "scanner"
	RoleNetwork             = "network"
	RoleOther               = "other"
)

// Source is one source that lists the device.
type Source struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // a vigil.SourceKind: inventory, scanner, network, manual
	Role string `json:"role"` // clinical-engineering, it, scanner, network or other
}

// Finding is one network finding about the device (internal/discover's
// codes: cleartext-phi, weak-tls, cleartext-management, dicom-any-ae,
// phi-outside-clinical-segment, remote-access, active-scanner).
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"` // low, medium, high or critical
	Segment  string `json:"segment"`  // where it was seen
	Detail   string `json:"detail"`
}

// Vuln is one open vulnerability match on the device with what ranks it.
type Vuln struct {
	ID         string    `json:"id"`       // CVE-2022-2119
	CVSS       float64   `json:"cvss"`     // the base score ranked by, 0..10
	Severity   string    `json:"severity"` // low, medium, high or critical, from the CVSS
	SSVC       string    `json:"ssvc"`     // Track, Track*, Attend or Act; "" when not decided
	KEV        bool      `json:"kev"`
	KEVDueDate time.Time `json:"kev_due_date"` // zero when not in KEV or without a due date
	EPSS       float64   `json:"epss"`         // 0..1
	Opened     time.Time `json:"opened"`       // when Vigil first matched it to the device
	FixedIn    string    `json:"fixed_in"`
	Status     string    `json:"status"`     // a vigil.ProductStatus: affected, under_investigation, ...
	Remediated bool      `json:"remediated"` // a remediation or mitigation is applied on the device
}

// Flow is one conversation the device was observed in.
type Flow struct {
	Peer        string `json:"peer"`         // the other end's IP address
	PeerName    string `json:"peer_name"`    // its hostname or TLS server name, when known
	PeerSegment string `json:"peer_segment"` // its segment name, or "internet"
	Internet    bool   `json:"internet"`     // the peer is outside the hospital's address space
	Outbound    bool   `json:"outbound"`     // the device opened the conversation
	Port        int64  `json:"port"`         // the server port
	Proto       string `json:"proto"`        // tcp or udp
	App         string `json:"app"`          // hl7, dicom, https, telnet, ...
	Encrypted   bool   `json:"encrypted"`
	TLSVersion  string `json:"tls_version"` // "SSL 3.0", "TLS 1.0" ... "TLS 1.3" as discovery names them; "" without TLS
	PHI         bool   `json:"phi"`         // the application carries PHI (HL7, DICOM, ...)
}

// RemoteAccess is what the hospital knows about vendor remote access to
// the device.
type RemoteAccess struct {
	Enabled bool   `json:"enabled"` // on record, or observed on the wire
	Vendor  string `json:"vendor"`  // the vendor on record who uses it
	Method  string `json:"method"`  // vpn, rdp, teamviewer, vendor-cloud, ...
	MFA     bool   `json:"mfa"`     // the remote session requires multi-factor authentication
	BAA     bool   `json:"baa"`     // a business associate agreement with the vendor is on record

	// Vendors are the vendors discovery's remote sessions to the device are
	// tied to by their endpoints; Unknown is true when a session came from
	// a peer no vendor endpoint ties. VendorsWithoutBAA and
	// VendorsUncertified are those of Vendors without a BAA in force and
	// without a current security certification.
	Vendors            []string `json:"vendors"`
	Unknown            bool     `json:"unknown"`
	VendorsWithoutBAA  []string `json:"vendors_without_baa"`
	VendorsUncertified []string `json:"vendors_uncertified"`
	Certified          bool     `json:"certified"` // every vendor of Vendors holds a current certification
}

// Policy holds the hospital's parameters that checks compare against.
type Policy struct {
	// MaxOpenDays is how long a vulnerability of each severity (low,
	// medium, high, critical) may stay open.
	MaxOpenDays map[string]int64 `json:"max_open_days"`
	// CVSSThreshold: vulnerabilities at or above it are held to MaxOpenDays.
	CVSSThreshold float64 `json:"cvss_threshold"`
	// SSVCThreshold: vulnerabilities whose SSVC decision ranks at or above
	// it (Track < Track* < Attend < Act) are held to MaxOpenDays.
	SSVCThreshold string `json:"ssvc_threshold"`
	// AllowedInternet lists the internet destinations (IP address or host
	// name) devices may talk to.
	AllowedInternet []string `json:"allowed_internet"`
	// ClinicalSegments names the segments where ePHI may live.
	ClinicalSegments []string `json:"clinical_segments"`
	// MaxUnseenDays is how long an in-service device may go unseen on the
	// network before its inventory entry is stale.
	MaxUnseenDays int64 `json:"max_unseen_days"`
}

// DefaultPolicy returns the parameters a hospital starts from: HICP's
// 30/60-day remediation clock for uncontrolled risk, the HIPAA NPRM's
// 15/30-day patch windows for critical and high risk.
func DefaultPolicy() Policy {
	return Policy{
		MaxOpenDays:      map[string]int64{"critical": 15, "high": 30, "medium": 90, "low": 180},
		CVSSThreshold:    7.0,
		SSVCThreshold:    "Attend",
		ClinicalSegments: []string{"clinical", "medical-devices", "imaging", "datacenter-clinical"},
		MaxUnseenDays:    90,
	}
}
