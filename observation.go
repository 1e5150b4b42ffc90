package vigil

import "time"

// DiscoveryReport is the result of a passive discovery run: the devices seen
// on the wire, their conversations and what the run read. It marshals to the
// JSON of `vigil discover`: {"devices":[...],"flows":[...]} plus statistics.
type DiscoveryReport struct {
	Devices  []*ObservedDevice `json:"devices"`
	Flows    []*FlowSummary    `json:"flows"`
	Stats    CaptureStats      `json:"stats"`
	Warnings []string          `json:"warnings,omitempty"`
}

// CaptureStats counts what a run read.
type CaptureStats struct {
	Sources       int    `json:"sources"`
	Packets       uint64 `json:"packets"`
	Bytes         uint64 `json:"bytes"`
	DecodeErrors  uint64 `json:"decode_errors"`
	Flows         uint64 `json:"flows"`
	FlowsDropped  uint64 `json:"flows_dropped,omitempty"` // summaries beyond MaxFlowSummaries
	DissectErrors uint64 `json:"dissect_errors"`
}

// ObservedDevice is one device seen on the wire.
type ObservedDevice struct {
	MAC          string     `json:"mac"` // "" for routed hosts known only by IP
	IPs          []string   `json:"ips"`
	VLANs        []int      `json:"vlans"`
	Manufacturer string     `json:"manufacturer"`
	DeviceType   string     `json:"device_type"`
	Protocols    []string   `json:"protocols"`
	DICOM        *DICOMInfo `json:"dicom"`
	HL7          *HL7Info   `json:"hl7"`
	TLS          *TLSInfo   `json:"tls"`
	DHCP         *DHCPInfo  `json:"dhcp"`
	Findings     []Finding  `json:"findings"`

	Hostnames []string          `json:"hostnames,omitempty"`
	Services  []ObservedService `json:"services,omitempty"` // ports this device answered on
	SNMP      *SNMPInfo         `json:"snmp,omitempty"`
	LLDP      *L2Info           `json:"lldp,omitempty"`
	CDP       *L2Info           `json:"cdp,omitempty"`
	MDNS      *MDNSInfo         `json:"mdns,omitempty"`
	SSDP      *SSDPInfo         `json:"ssdp,omitempty"`
	WSD       *WSDInfo          `json:"wsd,omitempty"`
	HTTP      *HTTPInfo         `json:"http,omitempty"`
	Remote    []string          `json:"remote_access,omitempty"` // remote-access protocols served or used
	Firmware  string            `json:"firmware,omitempty"`
	// Model is the model the application layer named (a DICOM, DHCP, SNMP or
	// LLDP banner), or "".
	Model string `json:"model,omitempty"`
	// ManufacturerSource says which evidence named Manufacturer: "dicom",
	// "hl7", "dhcp", "tls", "http", "ssdp", "snmp", "lldp", "cdp" or "oui".
	ManufacturerSource string `json:"manufacturer_source,omitempty"`
	// NICVendor is the maker of the network card by its MAC's OUI, kept apart
	// from Manufacturer: the NIC's maker is often not the device's.
	NICVendor string `json:"nic_vendor,omitempty"`
	// UDI and EUI64 are the device's own identity as its HL7 says it (PRT
	// for a UDI, OBX-18 or PRT-10 for an EUI-64), canonical; set only when
	// the device named exactly one, since a gateway relaying many devices'
	// messages is none of them. They are strong identity keys.
	UDI       string    `json:"udi,omitempty"`
	EUI64     string    `json:"eui64,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Packets   uint64    `json:"packets"`
	Bytes     uint64    `json:"bytes"`
}

// DICOMInfo is what DICOM associations reveal about a device.
type DICOMInfo struct {
	AETitles               []string `json:"ae_titles"`
	Role                   string   `json:"role"` // "scu", "scp" or "scu+scp"
	ImplementationClassUID string   `json:"implementation_class_uid"`
	ImplementationVersion  string   `json:"implementation_version"`
	Services               []string `json:"services,omitempty"`
}

// HL7Info is what HL7 v2 traffic reveals about a device. It never holds
// patient data.
type HL7Info struct {
	Applications []string `json:"applications"`
	Role         string   `json:"role"` // "sender", "receiver" or "sender+receiver"
	MessageTypes []string `json:"message_types,omitempty"`
	Versions     []string `json:"versions,omitempty"`
	DeviceIDs    []string `json:"device_ids,omitempty"` // OBX-18 / PRT equipment identifiers
	UDIs         []string `json:"udis,omitempty"`       // UDIs of the equipment it sent messages about, canonical
	EUI64s       []string `json:"eui64s,omitempty"`     // EUI-64s of the equipment it sent messages about
}

// TLSInfo is what TLS handshakes reveal about a device.
type TLSInfo struct {
	MaxVersionOffered string     `json:"max_version_offered"`
	VersionsChosen    []string   `json:"versions_chosen"`
	ServerNames       []string   `json:"server_names"`
	JA3               []string   `json:"ja3"`
	JA4               []string   `json:"ja4,omitempty"`
	Certificates      []CertInfo `json:"certificates,omitempty"` // leaf certificates the device served
}

// CertInfo is the leaf certificate a TLS server presented in clear (TLS 1.2
// and earlier).
type CertInfo struct {
	Subject    string    `json:"subject"`
	Issuer     string    `json:"issuer"`
	DNSNames   []string  `json:"dns_names,omitempty"`
	Serial     string    `json:"serial,omitempty"`
	NotAfter   time.Time `json:"not_after"`
	SelfSigned bool      `json:"self_signed"`
}

// DHCPInfo is what a device's DHCP requests reveal.
type DHCPInfo struct {
	Hostname     string   `json:"hostname"`
	VendorClass  string   `json:"vendor_class"`
	Fingerprint  string   `json:"fingerprint"` // option 55 as "1,3,6,42"
	ClientID     string   `json:"client_id,omitempty"`
	RequestedIP  string   `json:"requested_ip,omitempty"`
	AssignedIP   string   `json:"assigned_ip,omitempty"`
	Server       string   `json:"server,omitempty"`
	Domain       string   `json:"domain,omitempty"`
	MessageTypes []string `json:"message_types,omitempty"`
}

// SNMPInfo is what SNMP reveals: versions and clear-text communities.
type SNMPInfo struct {
	Versions    []string `json:"versions"`
	Communities []string `json:"communities,omitempty"`
	Users       []string `json:"users,omitempty"` // v3 user names
	Role        string   `json:"role"`            // "manager", "agent" or both
	SysDescr    string   `json:"sys_descr,omitempty"`
	SysName     string   `json:"sys_name,omitempty"`
	SysObjectID string   `json:"sys_object_id,omitempty"`
}

// L2Info is what an LLDP or CDP announcement says about its sender.
type L2Info struct {
	ChassisID         string   `json:"chassis_id,omitempty"`
	SystemName        string   `json:"system_name,omitempty"`
	SystemDescription string   `json:"system_description,omitempty"`
	PortID            string   `json:"port_id,omitempty"`
	PortDescription   string   `json:"port_description,omitempty"`
	Platform          string   `json:"platform,omitempty"`
	Addresses         []string `json:"addresses,omitempty"`
}

// MDNSInfo is what multicast DNS reveals.
type MDNSInfo struct {
	Names    []string `json:"names,omitempty"`
	Services []string `json:"services,omitempty"`
	Browsed  []string `json:"browsed,omitempty"`
}

// SSDPInfo is what SSDP (UDP 1900) reveals.
type SSDPInfo struct {
	Servers    []string `json:"servers,omitempty"`
	UserAgents []string `json:"user_agents,omitempty"`
	Targets    []string `json:"targets,omitempty"` // ST and NT values
	Locations  []string `json:"locations,omitempty"`
}

// WSDInfo is what WS-Discovery reveals.
type WSDInfo struct {
	Actions []string `json:"actions,omitempty"`
	Types   []string `json:"types,omitempty"`
	XAddrs  []string `json:"xaddrs,omitempty"`
	Address string   `json:"address,omitempty"`
}

// HTTPInfo is what HTTP heads reveal.
type HTTPInfo struct {
	UserAgents []string `json:"user_agents,omitempty"`
	Servers    []string `json:"servers,omitempty"`
	Hosts      []string `json:"hosts,omitempty"`
}

// ObservedService is a port a device answered on.
type ObservedService struct {
	Port  uint16 `json:"port"`
	Proto string `json:"proto"` // "tcp" or "udp"
	App   string `json:"app,omitempty"`
}

// Finding is one audit observation about a device. Code is stable; Detail
// names protocols and message or segment types, never PHI values.
type Finding struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// Finding codes.
const (
	FindingCleartextPHI        = "cleartext-phi"
	FindingWeakTLS             = "weak-tls"
	FindingCleartextManagement = "cleartext-management"
	FindingDICOMAnyAE          = "dicom-any-ae"
	FindingPHIOutsideClinical  = "phi-outside-clinical-segment"
	FindingRemoteAccess        = "remote-access"
	FindingActiveScanner       = "active-scanner"
)

// FlowSummary is one answered conversation between a client and a server
// port, with its connections folded together.
type FlowSummary struct {
	Client      string    `json:"client"`
	Server      string    `json:"server"`
	Port        uint16    `json:"port"`
	Proto       string    `json:"proto"`
	App         string    `json:"app,omitempty"`
	VLAN        int       `json:"vlan,omitempty"`
	Connections int       `json:"connections"`
	Packets     uint64    `json:"packets"`
	Bytes       uint64    `json:"bytes"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	// ServerName is the name the client asked for in its TLS hello (SNI),
	// the first one seen when the flow folds several connections.
	ServerName string `json:"server_name,omitempty"`
	// CertOrg and CertNames are the subject organisation (O=) and the names
	// (common name, then DNS names) of the server's leaf certificate, when
	// the handshake showed it in clear (TLS 1.2 and earlier; a TLS 1.3
	// certificate is encrypted and leaves only ServerName).
	CertOrg   string   `json:"cert_org,omitempty"`
	CertNames []string `json:"cert_names,omitempty"`
	// ClientHost and ServerHost are the names DNS answers in the capture
	// gave for the client's and the server's addresses.
	ClientHost string `json:"client_host,omitempty"`
	ServerHost string `json:"server_host,omitempty"`
}

// DiscoveryResult says what recording a discovery run did.
type DiscoveryResult struct {
	RunID    int64         `json:"run_id"`
	Devices  int           `json:"devices"`
	Flows    int           `json:"flows"`
	Findings int           `json:"findings"`
	Import   *ImportResult `json:"import,omitempty"`
}

// NetworkView is what the wire shows about one device.
type NetworkView struct {
	Observations []*ObservedDevice `json:"observations"`
	Flows        []*FlowSummary    `json:"flows"`
	Peers        []Peer            `json:"peers"`
}

// Peer is a host a device talked to.
type Peer struct {
	IP       string   `json:"ip"`
	Apps     []string `json:"apps"`
	Flows    int      `json:"flows"`
	Bytes    int64    `json:"bytes"`
	DeviceID int64    `json:"device_id,omitempty"`
}

// DeviceFinding is a current finding of passive discovery, with the
// inventory device it belongs to when one matches its MAC or IP.
type DeviceFinding struct {
	DeviceKey string    `json:"device_key"`
	MAC       string    `json:"mac,omitempty"`
	IP        string    `json:"ip,omitempty"`
	Code      string    `json:"code"`
	Detail    string    `json:"detail"`
	SeenAt    time.Time `json:"seen_at"`
	DeviceID  int64     `json:"device_id,omitempty"`
}

// SegmentFlow is the traffic between two network segments: /24 (IPv4) or
// /64 (IPv6) subnets, with the VLAN where the capture saw a tag.
type SegmentFlow struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Apps    []string `json:"apps"`
	Flows   int      `json:"flows"`
	Packets int64    `json:"packets"`
	Bytes   int64    `json:"bytes"`
}
