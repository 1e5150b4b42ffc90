package gen

import "github.com/vigil-health/vigil"

// model is one make and model of device the hospital runs, with everything
// needed to place one on the floor, on the network and in each source.
type model struct {
	typ      string   // canonical device type (ground truth)
	ceType   string   // CMMS nomenclature, ECRI style ("Pumps, Infusion, ...")
	itClass  string   // CMDB class
	maker    string   // canonical manufacturer
	ceMakers []string // spellings in the CMMS, most common first
	itMakers []string // spellings in the CMDB, most common first
	name     string   // canonical model name
	itNames  []string // other spellings of the model seen in the CMDB
	firmware []string // versions in the field, oldest first
	serial   string   // serial pattern: '#' digit, '@' letter, '%' hex, other literal
	ouis     []uint32 // IEEE MA-L prefixes of its network interface
	vendor   string   // nmap's vendor label for those prefixes
	crit     vigil.Criticality
	stores   bool // stores ePHI
	sends    bool // sends ePHI
	depts    []string
	net      string // network class; "" for devices with no network interface
	owner    string // owner team (CMDB support group)
	ce       bool   // clinical engineering tracks it in the CMMS
	weight   int    // relative frequency per 1,000 devices
	tag      string // host name tag
	os       *osGuess
	ports    []Port
}

// osGuess is what nmap's OS detection reports for a device family.
type osGuess struct {
	label, name, typ, vendor, family, gen, cpe string
	accuracy                                   int
}

// The OS families nmap reports, and the port sets of common stacks.
var (
	osWin7     = &osGuess{"Windows 7 Embedded", "Microsoft Windows 7 SP1", "general purpose", "Microsoft", "Windows", "7", "cpe:/o:microsoft:windows_7::sp1", 97}
	osWin10    = &osGuess{"Windows 10", "Microsoft Windows 10 1809 - 21H2", "general purpose", "Microsoft", "Windows", "10", "cpe:/o:microsoft:windows_10", 96}
	osWin2016  = &osGuess{"Windows Server 2016", "Microsoft Windows Server 2016", "general purpose", "Microsoft", "Windows", "2016", "cpe:/o:microsoft:windows_server_2016", 95}
	osWin2019  = &osGuess{"Windows Server 2019", "Microsoft Windows Server 2019", "general purpose", "Microsoft", "Windows", "2019", "cpe:/o:microsoft:windows_server_2019", 94}
	osLinux    = &osGuess{"Linux", "Linux 4.15 - 5.8", "general purpose", "Linux", "Linux", "4.X", "cpe:/o:linux:linux_kernel:4", 95}
	osEmbedded = &osGuess{"Embedded Linux", "Linux 3.2 - 4.9", "specialized", "Linux", "Linux", "3.X", "cpe:/o:linux:linux_kernel:3", 91}
	osVxWorks  = &osGuess{"VxWorks", "Wind River VxWorks 6.X", "specialized", "Wind River", "VxWorks", "6.X", "cpe:/o:windriver:vxworks:6", 89}
	osIOSXE    = &osGuess{"Cisco IOS XE", "Cisco IOS XE 16.X - 17.X", "switch", "Cisco", "IOS XE", "17.X", "cpe:/o:cisco:ios_xe:17", 98}
	osPrinter  = &osGuess{"HP FutureSmart", "HP LaserJet printer (FutureSmart)", "printer", "HP", "embedded", "", "cpe:/h:hp:laserjet", 96}
	osZebra    = &osGuess{"Zebra Link-OS", "Zebra ZTC label printer (Link-OS)", "printer", "Zebra", "embedded", "", "cpe:/h:zebra:link-os", 90}
	osMacOS    = &osGuess{"macOS", "Apple macOS 11 (Big Sur) - 14 (Sonoma) (Darwin 20.6.0 - 23.4.0)", "general purpose", "Apple", "macOS", "14.X", "cpe:/o:apple:mac_os_x:14", 92}
	osAruba    = &osGuess{"ArubaOS", "Aruba Instant AP (ArubaOS 8.X)", "WAP", "Aruba", "ArubaOS", "8.X", "cpe:/o:arubanetworks:arubaos:8", 93}
)

// tcp returns an open TCP port.
func tcp(port int, service, product, version string) Port {
	return Port{Port: port, Service: service, Product: product, Version: version}
}

// Port sets of common stacks.
func winPorts() []Port {
	return []Port{tcp(135, "msrpc", "Microsoft Windows RPC", ""), tcp(139, "netbios-ssn", "Microsoft Windows netbios-ssn", ""),
		tcp(445, "microsoft-ds", "", ""), tcp(3389, "ms-wbt-server", "Microsoft Terminal Services", "")}
}

func modalityPorts() []Port {
	return append([]Port{tcp(104, "dicom", "DICOM", "")}, winPorts()...)
}

// newCatalog returns every model the generator places, clinical first.
// Manufacturer, model and firmware names are the real ones; OUI prefixes
// come from the IEEE registry (where the maker has none, the embedded
// module vendor's prefix, as on the real device).
func newCatalog() []*model {
	return append(clinicalCatalog(), itCatalog()...)
}

func clinicalCatalog() []*model {
	icu := []string{"icu", "ed", "or", "ms", "nicu", "onc", "ld"}
	return []*model{
		{typ: "Infusion Pump", ceType: "Pumps, Infusion, General-Purpose", itClass: "Medical Device",
			maker: "BD", ceMakers: []string{"BD", "CareFusion", "Becton, Dickinson and Company", "Alaris"}, itMakers: []string{"Becton Dickinson", "BD"},
			name: "Alaris 8015 PC Unit", itNames: []string{"Alaris PC 8015", "8015 PC UNIT", "Alaris 8015"},
			firmware: []string{"9.19.2", "9.33.1", "12.1.0", "12.1.2", "12.1.3"}, serial: "########",
			ouis: []uint32{0x00D075, 0xF8C678}, vendor: "Alaris Medical Systems", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: append([]string{"icu", "ms"}, icu...), net: netInfusion, owner: "Clinical Engineering", ce: true,
			weight: 110, tag: "pcu", os: osVxWorks},
		{typ: "Infusion Pump", ceType: "Pumps, Infusion, Large-Volume", itClass: "Medical Device",
			maker: "Baxter", ceMakers: []string{"Baxter", "Baxter Healthcare"}, itMakers: []string{"Baxter International", "Baxter"},
			name: "Sigma Spectrum", itNames: []string{"Spectrum 35700BAX2", "SIGMA SPECTRUM LVP"},
			firmware: []string{"6.05.13", "8.00.01", "8.01.01"}, serial: "#######",
			ouis: []uint32{0x5846E1, 0x5842E4}, vendor: "Baxter International", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"icu", "ms", "onc", "ed"}, net: netInfusion, owner: "Clinical Engineering", ce: true,
			weight: 45, tag: "pump", os: osEmbedded, ports: []Port{tcp(443, "https", "", "")}},
		{typ: "Infusion Pump", ceType: "Pumps, Infusion, Large-Volume", itClass: "Medical Device",
			maker: "ICU Medical", ceMakers: []string{"ICU Medical", "Hospira"}, itMakers: []string{"ICU Medical Inc", "Hospira"},
			name: "Plum 360", itNames: []string{"PLUM 360 LVP", "Plum360"},
			firmware: []string{"15.10", "15.11", "15.20"}, serial: "########",
			ouis: []uint32{0x0003B1}, vendor: "ICU Medical", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"ms", "onc", "icu"}, net: netInfusion, owner: "Clinical Engineering", ce: true,
			weight: 30, tag: "pump", os: osEmbedded, ports: []Port{tcp(443, "https", "", "")}},
		{typ: "Infusion Pump", ceType: "Pumps, Infusion, Large-Volume", itClass: "Medical Device",
			maker: "B. Braun", ceMakers: []string{"B. Braun", "B Braun Medical", "BBraun"}, itMakers: []string{"B. Braun Melsungen AG", "B. Braun"},
			name: "Infusomat Space", itNames: []string{"Infusomat Space P", "SPACE INFUSOMAT"},
			firmware: []string{"686E", "688F", "690J"}, serial: "######",
			ouis: []uint32{0x001221}, vendor: "B.Braun Melsungen", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"nicu", "icu", "or"}, net: netInfusion, owner: "Clinical Engineering", ce: true,
			weight: 20, tag: "pump", os: osEmbedded},
		{typ: "Patient Monitor", ceType: "Monitors, Physiologic, Bedside", itClass: "Medical Device",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Medical Systems", "Philips Healthcare"}, itMakers: []string{"Philips Medical Systems", "Philips"},
			name: "IntelliVue MX800", itNames: []string{"MX800", "Intellivue MX-800", "INTELLIVUE MX800 865240"},
			firmware: []string{"L.01.20", "M.00.03", "N.00.02"}, serial: "DE#######",
			ouis: []uint32{0x00095C}, vendor: "Philips Medical Systems", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"icu", "or", "nicu", "ed"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 30, tag: "mon", os: osVxWorks},
		{typ: "Patient Monitor", ceType: "Monitors, Physiologic, Bedside", itClass: "Medical Device",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Medical Systems"}, itMakers: []string{"Philips Medical Systems", "Philips"},
			name: "IntelliVue MX450", itNames: []string{"MX450", "Intellivue MX 450"},
			firmware: []string{"L.01.20", "M.00.03", "N.00.02"}, serial: "DE#######",
			ouis: []uint32{0x00095C}, vendor: "Philips Medical Systems", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"ms", "ed", "ld", "card"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 30, tag: "mon", os: osVxWorks},
		{typ: "Patient Monitor", ceType: "Monitors, Physiologic, Bedside", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Healthcare", "GE", "GE Medical Systems"}, itMakers: []string{"GE Healthcare", "General Electric"},
			name: "CARESCAPE B650", itNames: []string{"Carescape B650", "B650"},
			firmware: []string{"2.0.2", "2.0.7", "3.2"}, serial: "SK4#####@@",
			ouis: []uint32{0x004097, 0x444B5D}, vendor: "Datex (GE Healthcare)", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"icu", "or"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 20, tag: "mon", os: osEmbedded},
		{typ: "Patient Monitor", ceType: "Monitors, Physiologic, Bedside", itClass: "Medical Device",
			maker: "Mindray", ceMakers: []string{"Mindray", "Mindray DS USA"}, itMakers: []string{"Shenzhen Mindray", "Mindray"},
			name: "BeneVision N17", itNames: []string{"N17", "Benevision N-17"},
			firmware: []string{"02.01.00", "03.00.00"}, serial: "EY-########",
			ouis: []uint32{0x00A037}, vendor: "Mindray DS USA", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"ed", "ms"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 10, tag: "mon", os: osEmbedded},
		{typ: "Patient Monitor", ceType: "Monitors, Physiologic, Bedside", itClass: "Medical Device",
			maker: "Nihon Kohden", ceMakers: []string{"Nihon Kohden", "Nihon Kohden America"}, itMakers: []string{"Nihon Kohden"},
			name: "BSM-6000", itNames: []string{"BSM-6501A", "Life Scope BSM-6000"},
			firmware: []string{"06-13", "07-02"}, serial: "#####",
			ouis: []uint32{0x00A09A}, vendor: "Nihon Kohden America", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"icu", "ed"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 8, tag: "mon", os: osEmbedded},
		{typ: "Telemetry Transmitter", ceType: "Monitors, Physiologic, Telemetric", itClass: "Medical Device",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Medical Systems"}, itMakers: []string{"Philips Medical Systems"},
			name: "IntelliVue MX40", itNames: []string{"MX40 Patient Worn Monitor", "MX40"},
			firmware: []string{"B.05.61", "B.06.18", "B.06.52"}, serial: "US#######",
			ouis: []uint32{0x00095C}, vendor: "Philips Medical Systems", crit: vigil.CriticalityLifeSupporting,
			sends: true, depts: []string{"ms", "card"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 35, tag: "tele", os: osEmbedded},
		{typ: "Telemetry Transmitter", ceType: "Monitors, Physiologic, Telemetric", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Medical Systems", "GE Healthcare", "GE"}, itMakers: []string{"GE Healthcare"},
			name: "ApexPro CH", itNames: []string{"APEXPRO CH TRANSMITTER", "ApexPro"},
			firmware: []string{"4.2", "4.3"}, serial: "SH2#####@@",
			crit: vigil.CriticalityLifeSupporting, sends: true, depts: []string{"card", "ms"}, owner: "Clinical Engineering", ce: true,
			weight: 12, tag: "tele"},
		{typ: "Central Monitoring Station", ceType: "Information Systems, Physiologic Monitoring, Central Station", itClass: "Server",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Healthcare"}, itMakers: []string{"Philips Medical Systems"},
			name: "IntelliVue Information Center iX", itNames: []string{"PIC iX", "Patient Information Center iX"},
			firmware: []string{"B.02", "C.02", "C.03"}, serial: "US########",
			ouis: []uint32{0x00095C}, vendor: "Philips Medical Systems", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"icu", "card", "ms", "ed"}, net: netClinServers, owner: "Clinical Engineering", ce: true,
			weight: 5, tag: "picix", os: osWin2016, ports: append([]Port{tcp(443, "https", "Microsoft IIS httpd", "10.0")}, winPorts()...)},
		{typ: "Ventilator", ceType: "Ventilators, Intensive Care", itClass: "Medical Device",
			maker: "Medtronic", ceMakers: []string{"Medtronic", "Covidien", "Puritan Bennett"}, itMakers: []string{"Medtronic"},
			name: "Puritan Bennett 980", itNames: []string{"PB980", "PB 980 Ventilator"},
			firmware: []string{"20.2.1", "30.2.0"}, serial: "35B#######",
			ouis: []uint32{0x00A061}, vendor: "Puritan Bennett", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"icu", "nicu", "ed"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 10, tag: "vent", os: osEmbedded},
		{typ: "Ventilator", ceType: "Ventilators, Intensive Care", itClass: "Medical Device",
			maker: "Hamilton Medical", ceMakers: []string{"Hamilton Medical", "Hamilton"}, itMakers: []string{"Hamilton Medical AG"},
			name: "HAMILTON-C6", itNames: []string{"Hamilton C6", "C6"},
			firmware: []string{"1.3.2", "2.0.3"}, serial: "#####",
			ouis: []uint32{0x001E9A}, vendor: "Hamilton Bonaduz", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"icu"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 6, tag: "vent", os: osEmbedded},
		{typ: "Ventilator", ceType: "Ventilators, Intensive Care", itClass: "Medical Device",
			maker: "Draeger", ceMakers: []string{"Dräger", "Draeger", "Draeger Medical"}, itMakers: []string{"Draegerwerk AG", "Drager"},
			name: "Evita V500", itNames: []string{"EVITA V500", "Evita V-500"},
			firmware: []string{"2.51", "2.61"}, serial: "ASKF-####",
			ouis: []uint32{0x00105D, 0xF0E5C3}, vendor: "Draeger Medical", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"icu", "nicu"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 5, tag: "vent", os: osWin7},
		{typ: "Anesthesia Machine", ceType: "Anesthesia Units", itClass: "Medical Device",
			maker: "Draeger", ceMakers: []string{"Draeger", "Dräger"}, itMakers: []string{"Draeger"},
			name: "Fabius GS premium", firmware: []string{"3.35", "3.37"}, serial: "ARYH-####",
			crit: vigil.CriticalityLifeSustaining, depts: []string{"or"}, owner: "Clinical Engineering", ce: true,
			weight: 5, tag: "anes"},
		{typ: "Anesthesia Machine", ceType: "Anesthesia Units", itClass: "Medical Device",
			maker: "Draeger", ceMakers: []string{"Draeger", "Dräger", "Draeger Medical"}, itMakers: []string{"Draegerwerk AG"},
			name: "Perseus A500", itNames: []string{"PERSEUS A-500", "Perseus"},
			firmware: []string{"2.01", "2.05"}, serial: "ASFN-####",
			ouis: []uint32{0x00105D}, vendor: "Draeger Medical", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"or"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 5, tag: "anes", os: osEmbedded},
		{typ: "Defibrillator", ceType: "Defibrillator/Monitors", itClass: "Medical Device",
			maker: "Zoll", ceMakers: []string{"Zoll", "Zoll Medical"}, itMakers: []string{"ZOLL Medical Corporation"},
			name: "R Series ALS", itNames: []string{"R SERIES", "R-Series ALS"},
			firmware: []string{"1.34", "1.39"}, serial: "AF########",
			ouis: []uint32{0x008092, 0x004017}, vendor: "Silex Technology", crit: vigil.CriticalityLifeSustaining,
			stores: true, sends: true, depts: []string{"ed", "icu", "ms", "or"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 12, tag: "defib"},
		{typ: "Defibrillator", ceType: "Defibrillator/Monitors", itClass: "Medical Device",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Medical Systems"}, itMakers: []string{"Philips"},
			name: "HeartStart MRx", itNames: []string{"MRx", "M3535A HeartStart MRx"},
			firmware: []string{"F.05.00", "F.06.00"}, serial: "US########",
			crit: vigil.CriticalityLifeSustaining, stores: true, depts: []string{"ed", "card", "ms"}, owner: "Clinical Engineering", ce: true,
			weight: 8, tag: "defib"},
		{typ: "ECG Cart", ceType: "Electrocardiographs, Multichannel", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Medical Systems", "GE Healthcare", "GE"}, itMakers: []string{"GE Healthcare"},
			name: "MAC 5500 HD", itNames: []string{"MAC5500HD", "MAC 5500"},
			firmware: []string{"010B", "011A"}, serial: "SDN#######@A",
			ouis: []uint32{0x444B5D}, vendor: "GE Healthcare", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"card", "ed", "icu"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 6, tag: "ecg", os: osEmbedded},
		{typ: "ECG Cart", ceType: "Electrocardiographs, Multichannel", itClass: "Medical Device",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Healthcare"}, itMakers: []string{"Philips"},
			name: "PageWriter TC70", itNames: []string{"TC70", "PAGEWRITER TC-70"},
			firmware: []string{"A.07.07.07", "A.08.00.05"}, serial: "US########",
			ouis: []uint32{0x00095C}, vendor: "Philips Medical Systems", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"card", "ms"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 5, tag: "ecg", os: osWin7, ports: winPorts()},
		{typ: "Blood Glucose Meter", ceType: "Glucose Analyzers, Point-of-Care", itClass: "Medical Device",
			maker: "Roche", ceMakers: []string{"Roche Diagnostics", "Roche"}, itMakers: []string{"Roche Diagnostics GmbH"},
			name: "Accu-Chek Inform II", itNames: []string{"ACCU-CHEK INFORM 2", "Inform II"},
			firmware: []string{"04.02.02", "04.03.05"}, serial: "UU#########",
			ouis: []uint32{0x000E2F, 0xB87879}, vendor: "Roche Diagnostics", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"ms", "icu", "ed", "ld", "onc"}, net: netLab, owner: "Laboratory Systems", ce: true,
			weight: 25, tag: "gluc", os: osEmbedded},
		{typ: "Blood Glucose Meter", ceType: "Glucose Analyzers, Point-of-Care", itClass: "Medical Device",
			maker: "Nova Biomedical", ceMakers: []string{"Nova Biomedical", "Nova"}, itMakers: []string{"Nova Biomedical"},
			name: "StatStrip Glucose", itNames: []string{"StatStrip", "STATSTRIP GLU"},
			firmware: []string{"2.8.4", "2.9.1"}, serial: "SS########",
			ouis: []uint32{0x0080A3}, vendor: "Lantronix", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"nicu", "ld"}, net: netLab, owner: "Laboratory Systems", ce: true,
			weight: 8, tag: "gluc"},
		{typ: "Blood Analyzer", ceType: "Analyzers, Point-of-Care, Blood", itClass: "Medical Device",
			maker: "Abbott", ceMakers: []string{"Abbott", "Abbott Point of Care"}, itMakers: []string{"Abbott Laboratories"},
			name: "i-STAT 1", itNames: []string{"ISTAT 1 300-G", "i-STAT"},
			firmware: []string{"JAMS 143", "JAMS 146"}, serial: "3#####",
			ouis: []uint32{0xC0A26D}, vendor: "Abbott Point of Care", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"ed", "icu", "or"}, net: netLab, owner: "Laboratory Systems", ce: true,
			weight: 8, tag: "istat"},
		{typ: "Blood Gas Analyzer", ceType: "Analyzers, Laboratory, Blood Gas", itClass: "Medical Device",
			maker: "Radiometer", ceMakers: []string{"Radiometer", "Radiometer America"}, itMakers: []string{"Radiometer Medical ApS"},
			name: "ABL90 FLEX", itNames: []string{"ABL90 FLEX PLUS", "ABL 90"},
			firmware: []string{"3.5 MR2", "3.7 MR1"}, serial: "I###-R####N####",
			ouis: []uint32{0x00D0C9}, vendor: "Advantech", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"lab", "icu", "or"}, net: netLab, owner: "Laboratory Systems", ce: true,
			weight: 4, tag: "abg", os: osWin7, ports: winPorts()},
		{typ: "CT Scanner", ceType: "Scanning Systems, Computed Tomography", itClass: "Medical Device",
			maker: "Siemens Healthineers", ceMakers: []string{"Siemens", "Siemens Healthineers", "Siemens Medical Solutions"}, itMakers: []string{"Siemens Healthcare GmbH"},
			name: "SOMATOM Definition AS", itNames: []string{"Somatom Definition AS+", "SOMATOM DEF AS"},
			firmware: []string{"VA48A", "VA48A_SP2", "VB20A"}, serial: "#####",
			ouis: []uint32{0x000E8C, 0x001B1B}, vendor: "Siemens AG", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"rad", "ed"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 2, tag: "ct", os: osWin7, ports: modalityPorts()},
		{typ: "CT Scanner", ceType: "Scanning Systems, Computed Tomography", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Healthcare", "GE Medical Systems"}, itMakers: []string{"GE Healthcare"},
			name: "Revolution CT", itNames: []string{"REVOLUTION CT ES", "Revolution"},
			firmware: []string{"19MW18.6", "20MW04.3"}, serial: "######CN#",
			ouis: []uint32{0xA0F217}, vendor: "GE Medical System (China)", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"rad"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 2, tag: "ct", os: osLinux, ports: []Port{tcp(104, "dicom", "DICOM", ""), tcp(22, "ssh", "OpenSSH", "5.3")}},
		{typ: "MRI Scanner", ceType: "Scanning Systems, Magnetic Resonance Imaging", itClass: "Medical Device",
			maker: "Siemens Healthineers", ceMakers: []string{"Siemens", "Siemens Healthineers"}, itMakers: []string{"Siemens Healthcare GmbH"},
			name: "MAGNETOM Aera 1.5T", itNames: []string{"Magnetom Aera", "AERA 1.5T"},
			firmware: []string{"syngo MR E11C", "syngo MR E11E"}, serial: "#####",
			ouis: []uint32{0x000E8C}, vendor: "Siemens AG", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"rad"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 2, tag: "mr", os: osWin7, ports: modalityPorts()},
		{typ: "X-Ray System", ceType: "Radiographic Units, Mobile", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Healthcare", "GE"}, itMakers: []string{"GE Healthcare"},
			name: "Optima XR240amx", itNames: []string{"OPTIMA XR240AMX", "XR240amx"},
			firmware: []string{"1.5.3", "2.0.1"}, serial: "######WK#",
			ouis: []uint32{0x444B5D}, vendor: "GE Healthcare", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"rad", "icu", "ed"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 4, tag: "xr", os: osWin7, ports: modalityPorts()},
		{typ: "Ultrasound", ceType: "Scanning Systems, Ultrasonic, General-Purpose", itClass: "Medical Device",
			maker: "Philips", ceMakers: []string{"Philips", "Philips Ultrasound"}, itMakers: []string{"Philips Healthcare"},
			name: "EPIQ 7", itNames: []string{"EPIQ7", "EPIQ 7G"},
			firmware: []string{"VM4.0.2", "VM5.0.1", "VM9.0.2"}, serial: "US#########",
			ouis: []uint32{0x00095C}, vendor: "Philips Medical Systems", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"rad", "card", "ed"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 6, tag: "us", os: osWin10, ports: []Port{tcp(104, "dicom", "DICOM", "")}},
		{typ: "Ultrasound", ceType: "Scanning Systems, Ultrasonic, Obstetric/Gynecologic", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Healthcare", "GE Medical Systems"}, itMakers: []string{"GE Healthcare"},
			name: "Voluson E10", itNames: []string{"VOLUSON E10 BT21", "Voluson E-10"},
			firmware: []string{"BT19", "BT21", "BT22"}, serial: "D######",
			ouis: []uint32{0x444B5D}, vendor: "GE Healthcare", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"ld", "rad"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 3, tag: "us", os: osWin10, ports: []Port{tcp(104, "dicom", "DICOM", "")}},
		{typ: "Mammography System", ceType: "Radiographic Units, Mammographic", itClass: "Medical Device",
			maker: "Hologic", ceMakers: []string{"Hologic", "Hologic Inc."}, itMakers: []string{"Hologic"},
			name: "Selenia Dimensions", itNames: []string{"Selenia Dimensions 3D", "SELENIA DIMENSIONS"},
			firmware: []string{"1.10.1", "1.11.2"}, serial: "SDM#######",
			ouis: []uint32{0x98E743}, vendor: "Dell", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"rad", "onc"}, net: netImaging, owner: "Imaging Engineering", ce: true,
			weight: 2, tag: "mammo", os: osWin7, ports: modalityPorts()},
		{typ: "Hematology Analyzer", ceType: "Analyzers, Laboratory, Hematology", itClass: "Medical Device",
			maker: "Sysmex", ceMakers: []string{"Sysmex", "Sysmex America"}, itMakers: []string{"Sysmex Corporation"},
			name: "XN-1000", itNames: []string{"XN1000", "XN-1000 Hematology"},
			firmware: []string{"00-23", "00-26"}, serial: "#####",
			ouis: []uint32{0x00066B}, vendor: "Sysmex", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"lab"}, net: netLab, owner: "Laboratory Systems", ce: true,
			weight: 3, tag: "hem", os: osWin10, ports: winPorts()},
		{typ: "Chemistry Analyzer", ceType: "Analyzers, Laboratory, Clinical Chemistry", itClass: "Medical Device",
			maker: "Abbott", ceMakers: []string{"Abbott", "Abbott Diagnostics"}, itMakers: []string{"Abbott Laboratories"},
			name: "ARCHITECT ci4100", itNames: []string{"Architect ci4100", "ARCHITECT CI-4100"},
			firmware: []string{"9.45", "9.6"}, serial: "ISR#####",
			ouis: []uint32{0x0013DD}, vendor: "Abbott Diagnostics", crit: vigil.CriticalityDiagnostic,
			stores: true, sends: true, depts: []string{"lab"}, net: netLab, owner: "Laboratory Systems", ce: true,
			weight: 3, tag: "chem", os: osWin7, ports: winPorts()},
		{typ: "Smart Bed", ceType: "Beds, Electric", itClass: "Medical Device",
			maker: "Baxter", ceMakers: []string{"Hill-Rom", "Hillrom", "Baxter"}, itMakers: []string{"Hill-Rom"},
			name: "Centrella Smart+ Bed", itNames: []string{"CENTRELLA SMART+ P7900", "Centrella"},
			firmware: []string{"2.4.1", "3.0.2"}, serial: "X###@@####",
			ouis: []uint32{0x0014B8}, vendor: "Hill-Rom", crit: vigil.CriticalityNonClinical,
			sends: true, depts: []string{"ms", "icu", "onc"}, net: netNurseCall, owner: "Clinical Engineering", ce: true,
			weight: 30, tag: "bed"},
		{typ: "Nurse Call System", ceType: "Nurse Call Systems", itClass: "Server",
			maker: "Rauland", ceMakers: []string{"Rauland", "Hill-Rom/Rauland", "Rauland-Borg"}, itMakers: []string{"Rauland-Borg Corporation"},
			name: "Responder 5", itNames: []string{"RESPONDER V", "Responder 5 Nurse Call"},
			firmware: []string{"5.4.2", "5.7.0"}, serial: "R5-######",
			ouis: []uint32{0x00905E}, vendor: "Rauland-Borg", crit: vigil.CriticalityNonClinical,
			stores: true, sends: true, depts: []string{"ms", "icu", "ld", "ed"}, net: netNurseCall, owner: "Facilities Engineering", ce: true,
			weight: 10, tag: "ncall", os: osLinux, ports: []Port{tcp(80, "http", "Apache httpd", ""), tcp(443, "https", "Apache httpd", "")}},
		{typ: "Medication Dispensing Cabinet", ceType: "Dispensers, Medication, Automated", itClass: "Computer",
			maker: "Omnicell", ceMakers: []string{"Omnicell", "Omnicell Inc"}, itMakers: []string{"Omnicell"},
			name: "XT Automated Dispensing Cabinet", itNames: []string{"Omnicell XT", "XT ADC"},
			firmware: []string{"XT 22.1", "XT 23.2"}, serial: "OM#######",
			ouis: []uint32{0xC8F750}, vendor: "Dell", crit: vigil.CriticalityNonClinical,
			stores: true, sends: true, depts: []string{"ms", "icu", "ed", "or", "onc"}, net: netPharmacy, owner: "Pharmacy Informatics", ce: true,
			weight: 8, tag: "adc", os: osWin10, ports: winPorts()},
		{typ: "Medication Dispensing Cabinet", ceType: "Dispensers, Medication, Automated", itClass: "Computer",
			maker: "BD", ceMakers: []string{"BD", "CareFusion", "Pyxis"}, itMakers: []string{"Becton Dickinson"},
			name: "Pyxis MedStation ES", itNames: []string{"PYXIS MEDSTATION ES", "MedStation ES"},
			firmware: []string{"1.5.3", "1.6.1", "1.7.0"}, serial: "P########",
			ouis: []uint32{0x9CC8AE}, vendor: "Becton, Dickinson and Company", crit: vigil.CriticalityNonClinical,
			stores: true, sends: true, depts: []string{"ms", "icu", "ed", "or"}, net: netPharmacy, owner: "Pharmacy Informatics", ce: true,
			weight: 8, tag: "adc", os: osWin10, ports: winPorts()},
		{typ: "Fetal Monitor", ceType: "Monitors, Bedside, Fetal", itClass: "Medical Device",
			maker: "GE Healthcare", ceMakers: []string{"GE Healthcare", "GE Medical Systems", "Corometrics"}, itMakers: []string{"GE Healthcare"},
			name: "Corometrics 250cx", itNames: []string{"COROMETRICS 259CX", "Corometrics 250 cx"},
			firmware: []string{"2.4", "2.6"}, serial: "SMX#####@@",
			ouis: []uint32{0x00C01A}, vendor: "Corometrics Medical Systems", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"ld"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 8, tag: "fetal", os: osEmbedded},
		{typ: "Dialysis Machine", ceType: "Hemodialysis Units", itClass: "Medical Device",
			maker: "Fresenius", ceMakers: []string{"Fresenius Medical Care", "Fresenius"}, itMakers: []string{"Fresenius Medical Care"},
			name: "2008T", itNames: []string{"2008T BlueStar", "2008 T"},
			firmware: []string{"2.72", "2.80"}, serial: "8TGS######",
			ouis: []uint32{0xB04C05}, vendor: "Fresenius Medical Care", crit: vigil.CriticalityLifeSustaining,
			sends: true, depts: []string{"dial", "icu"}, net: netClinical, owner: "Clinical Engineering", ce: true,
			weight: 10, tag: "hd", os: osEmbedded},
		{typ: "Pulse Oximeter", ceType: "Oximeters, Pulse", itClass: "Medical Device",
			maker: "Masimo", ceMakers: []string{"Masimo", "Masimo Corp."}, itMakers: []string{"Masimo Corporation"},
			name: "Radical-7", itNames: []string{"RADICAL 7", "Rad-7"},
			firmware: []string{"7.8.0.1", "7.9.2.5"}, serial: "1#######",
			ouis: []uint32{0xE0C2B7, 0xC88BE8}, vendor: "Masimo", crit: vigil.CriticalityLifeSupporting,
			sends: true, depts: []string{"nicu", "ms", "or", "icu"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 15, tag: "spo2", os: osEmbedded},
		{typ: "Vital Signs Monitor", ceType: "Monitors, Physiologic, Vital Signs", itClass: "Medical Device",
			maker: "Welch Allyn", ceMakers: []string{"Welch Allyn", "Hillrom", "Baxter"}, itMakers: []string{"Welch Allyn Inc"},
			name: "Connex Vital Signs Monitor 6000", itNames: []string{"CVSM 6500", "Connex VSM"},
			firmware: []string{"2.42.00", "2.43.02", "2.44.00"}, serial: "1000######",
			ouis: []uint32{0x001AFA}, vendor: "Welch Allyn", crit: vigil.CriticalityLifeSupporting,
			stores: true, sends: true, depts: []string{"ms", "ed", "onc", "card"}, net: netMonitoring, owner: "Clinical Engineering", ce: true,
			weight: 30, tag: "vsm", os: osEmbedded},
	}
}

// roleOf maps a device type to its network role (see Device.Role).
func roleOf(typ string) string {
	switch typ {
	case "Patient Monitor", "Telemetry Transmitter", "Fetal Monitor", "Pulse Oximeter", "Vital Signs Monitor":
		return "monitor"
	case "Infusion Pump":
		return "pump"
	case "PACS Server":
		return "pacs"
	case "CT Scanner", "MRI Scanner", "X-Ray System", "Ultrasound", "Mammography System":
		return "modality"
	case "HL7 Interface Engine":
		return "hl7-engine"
	case "Blood Glucose Meter", "Blood Analyzer", "Blood Gas Analyzer", "Hematology Analyzer", "Chemistry Analyzer":
		return "lab"
	case "Printer", "Label Printer":
		return "printer"
	case "Network Switch":
		return "switch"
	case "Wireless Access Point":
		return "access-point"
	case "Workstation":
		return "workstation"
	case "Central Monitoring Station":
		return "central-station"
	case "Medication Dispensing Cabinet":
		return "dispensing"
	case "Nurse Call System", "Smart Bed":
		return "nurse-call"
	case "Single-Board Computer", "IP Camera", "Laptop":
		return "unknown"
	}
	return "clinical-device"
}
