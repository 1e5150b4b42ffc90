package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

func TestVocab(t *testing.T) {
	v, err := loadVocab()
	if err != nil {
		t.Fatalf("embedded tables: %v", err)
	}
	if len(v.headers) < 100 || len(v.aliases[vigil.FieldManufacturer]) < 100 {
		t.Errorf("tables look truncated: %d headers, %d manufacturer aliases", len(v.headers), len(v.aliases[vigil.FieldManufacturer]))
	}
	// Every canonical criticality and lifecycle value is reachable.
	for _, c := range vigil.Criticalities {
		if got, err := NormalizeValue(vigil.FieldCriticality, string(c)); err != nil || got != string(c) {
			t.Errorf("criticality %q -> %q, %v", c, got, err)
		}
	}
	for _, l := range vigil.Lifecycles {
		if got, err := NormalizeValue(vigil.FieldLifecycle, string(l)); err != nil || got != string(l) {
			t.Errorf("lifecycle %q -> %q, %v", l, got, err)
		}
	}
}

// TestHeaderField covers every synonym the brief names, plus spelling noise.
func TestHeaderField(t *testing.T) {
	tests := map[string][]string{
		vigil.FieldSerial:       {"Serial No.", "S/N", "SerialNumber", "serial_number", "Serial #", "SERIAL NUMBER", " serial-no "},
		vigil.FieldAssetTag:     {"Asset Tag", "Asset #", "Tag No", "Equipment ID", "Control Number", "asset_tag", "AssetTag"},
		vigil.FieldMAC:          {"MAC", "MAC Address", "Physical Address", "HW Addr", "mac_address", "Mac-Address"},
		vigil.FieldIP:           {"IP", "IP Address", "IPv4", "ip_address", "IPv6 Address"},
		vigil.FieldHostname:     {"Host Name", "DNS Name", "Device Name", "CI Name", "hostname", "FQDN"},
		vigil.FieldManufacturer: {"Mfr", "Make", "Vendor", "Manufacturer", "MANUFACTURER NAME"},
		vigil.FieldModel:        {"Model", "Model Number", "model_no", "Model #"},
		vigil.FieldFirmware:     {"Firmware", "FW Version", "Software Version", "OS Version"},
		vigil.FieldBuilding:     {"Building", "Bldg"},
		vigil.FieldFloor:        {"Floor"},
		vigil.FieldDepartment:   {"Dept", "Department", "Dept."},
		vigil.FieldRoom:         {"Room", "Room No"},
		vigil.FieldLocation:     {"Location"},
		vigil.FieldSite:         {"Site", "Facility", "Campus"},
		vigil.FieldOwnerTeam:    {"Owner", "Support Group", "Responsible Team", "Assignment Group"},
		vigil.FieldStoresEPHI:   {"ePHI", "Stores PHI", "Contains ePHI", "E-PHI"},
		vigil.FieldSendsEPHI:    {"Transmits PHI", "Transmits ePHI"},
		vigil.FieldCriticality:  {"Criticality", "Risk Class"},
		vigil.FieldLifecycle:    {"Status", "Lifecycle", "State"},
		vigil.FieldDeviceType:   {"Device Type", "Equipment Type", "Category", "Class"},
		FieldObservedAt:         {"Last Seen", "Last Scan", "last_updated"},
		"":                      {"Notes", "Comments", "", "Name", "Patient"},
	}
	for field, headers := range tests {
		for _, h := range headers {
			if got := HeaderField(h); got != field {
				t.Errorf("HeaderField(%q) = %q, want %q", h, got, field)
			}
		}
	}
}

func TestNormalizeValue(t *testing.T) {
	tests := []struct {
		field, raw, want string
		err              bool
	}{
		// MAC in every notation.
		{vigil.FieldMAC, "00:1A:2B:3C:4D:5E", "00:1a:2b:3c:4d:5e", false},
		{vigil.FieldMAC, "00-1a-2b-3c-4d-5e", "00:1a:2b:3c:4d:5e", false},
		{vigil.FieldMAC, "001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e", false},
		{vigil.FieldMAC, "001A2B3C4D5E", "00:1a:2b:3c:4d:5e", false},
		{vigil.FieldMAC, " 00:1a:2b:3c:4d:5e\t", "00:1a:2b:3c:4d:5e", false},
		{vigil.FieldMAC, "00:00:00:00:00:00", "", false},
		{vigil.FieldMAC, "00:1a:2b:3c:4d", "", true},
		{vigil.FieldMAC, "John Smith", "", true},
		// IPs.
		{vigil.FieldIP, "10.0.0.1", "10.0.0.1", false},
		{vigil.FieldIP, "10.0.0.1/24", "10.0.0.1", false},
		{vigil.FieldIP, "10.0.0.1, 10.0.0.2", "10.0.0.1", false},
		{vigil.FieldIP, "::ffff:10.0.0.2", "10.0.0.2", false},
		{vigil.FieldIP, "2001:DB8:0:0::1", "2001:db8::1", false},
		{vigil.FieldIP, "0.0.0.0", "", false},
		{vigil.FieldIP, "10.0.0.300", "", true},
		{vigil.FieldIP, "010.000.000.001", "", true},
		{vigil.FieldIP, "host.example", "", true},
		// Booleans.
		{vigil.FieldStoresEPHI, "Y", "true", false},
		{vigil.FieldStoresEPHI, "yes", "true", false},
		{vigil.FieldStoresEPHI, "TRUE", "true", false},
		{vigil.FieldStoresEPHI, "1", "true", false},
		{vigil.FieldStoresEPHI, "x", "true", false},
		{vigil.FieldSendsEPHI, "N", "false", false},
		{vigil.FieldSendsEPHI, "No", "false", false},
		{vigil.FieldSendsEPHI, "false", "false", false},
		{vigil.FieldSendsEPHI, "0", "false", false},
		{vigil.FieldSendsEPHI, "maybe", "", true},
		// Dates.
		{FieldObservedAt, "2024-03-01", "2024-03-01", false},
		{FieldObservedAt, "2024-03-01T10:00:00Z", "2024-03-01", false},
		{FieldObservedAt, "2024-03-01 10:00:00", "2024-03-01", false},
		{FieldObservedAt, "03/01/2024", "2024-03-01", false},
		{FieldObservedAt, "3/1/2024", "2024-03-01", false},
		{FieldObservedAt, "01-Mar-2024", "2024-03-01", false},
		{FieldObservedAt, "1 March 2024", "2024-03-01", false},
		{FieldObservedAt, "Mar 1, 2024", "2024-03-01", false},
		{FieldObservedAt, "45352", "2024-03-01", false},
		{FieldObservedAt, "45352.75", "2024-03-01", false},
		{FieldObservedAt, "13/01/2024", "", true},
		{FieldObservedAt, "yesterday", "", true},
		// Manufacturers.
		{vigil.FieldManufacturer, "GE", "GE Healthcare", false},
		{vigil.FieldManufacturer, "GE Healthcare", "GE Healthcare", false},
		{vigil.FieldManufacturer, "GE MEDICAL SYSTEMS", "GE Healthcare", false},
		{vigil.FieldManufacturer, "Philips Medical Systems", "Philips", false},
		{vigil.FieldManufacturer, "Philips Healthcare", "Philips", false},
		{vigil.FieldManufacturer, "Baxter Healthcare Corp.", "Baxter", false},
		{vigil.FieldManufacturer, "Hill-Rom", "Baxter", false},
		{vigil.FieldManufacturer, "Becton Dickinson", "BD", false},
		{vigil.FieldManufacturer, "Becton, Dickinson and Company", "BD", false},
		{vigil.FieldManufacturer, "CareFusion", "BD", false},
		{vigil.FieldManufacturer, "Siemens", "Siemens Healthineers", false},
		{vigil.FieldManufacturer, "B. Braun", "B. Braun", false},
		{vigil.FieldManufacturer, "B Braun", "B. Braun", false},
		{vigil.FieldManufacturer, "BBraun", "B. Braun", false},
		{vigil.FieldManufacturer, "Medtronic Inc.", "Medtronic", false},
		{vigil.FieldManufacturer, "Dräger", "Draeger", false},
		{vigil.FieldManufacturer, "Draeger Medical GmbH", "Draeger", false},
		{vigil.FieldManufacturer, "Mindray", "Mindray", false},
		{vigil.FieldManufacturer, "NIHON KOHDEN", "Nihon Kohden", false},
		{vigil.FieldManufacturer, "Masimo Corporation", "Masimo", false},
		{vigil.FieldManufacturer, "Hospira", "ICU Medical", false},
		{vigil.FieldManufacturer, "Fresenius Kabi AG", "Fresenius Kabi", false},
		{vigil.FieldManufacturer, "Spacelabs Healthcare", "Spacelabs", false},
		{vigil.FieldManufacturer, "Abbott Laboratories", "Abbott", false},
		{vigil.FieldManufacturer, "Roche Diagnostics", "Roche", false},
		{vigil.FieldManufacturer, "Toshiba Medical Systems", "Canon Medical Systems", false},
		{vigil.FieldManufacturer, "TOSHIBA_MEC", "Canon Medical Systems", false},
		{vigil.FieldManufacturer, "Fujifilm", "Fujifilm", false},
		{vigil.FieldManufacturer, "Carestream Health, Inc.", "Carestream", false},
		{vigil.FieldManufacturer, "ZOLL Medical", "Zoll", false},
		{vigil.FieldManufacturer, "Welch Allyn", "Welch Allyn", false},
		{vigil.FieldManufacturer, "Stryker", "Stryker", false},
		{vigil.FieldManufacturer, "Cisco Systems, Inc.", "Cisco", false},
		{vigil.FieldManufacturer, "Dell Inc.", "Dell", false},
		{vigil.FieldManufacturer, "Hewlett-Packard", "HP", false},
		{vigil.FieldManufacturer, "Acme  Widgets", "Acme Widgets", false},
		// Criticality and lifecycle.
		{vigil.FieldCriticality, "Life Support", "life-sustaining", false},
		{vigil.FieldCriticality, "NON-CLINICAL", "non-clinical", false},
		{vigil.FieldCriticality, "High", "", true},
		{vigil.FieldLifecycle, "Active", "in-service", false},
		{vigil.FieldLifecycle, "In Repair", "maintenance", false},
		{vigil.FieldLifecycle, "Disposed", "decommissioned", false},
		{vigil.FieldLifecycle, "Limbo", "", true},
		// Text fields, placeholders and Excel's text trick.
		{vigil.FieldSerial, "  SN 1001 ", "SN 1001", false},
		{vigil.FieldSerial, `="00012345"`, "00012345", false},
		{vigil.FieldLocation, "Bldg 1\r\nFloor  2", "Bldg 1 Floor 2", false},
		{vigil.FieldHostname, "ICU-MON-01.Hosp.Local.", "icu-mon-01.hosp.local", false},
		{vigil.FieldModel, "N/A", "", false},
		{vigil.FieldModel, "-", "", false},
		{vigil.FieldModel, "Unknown", "", false},
		{vigil.FieldModel, "TBD", "", false},
		{vigil.FieldMAC, "n/a", "", false},
		{vigil.FieldIP, "", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeValue(tt.field, tt.raw)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("NormalizeValue(%q, %q) = %q, %v; want %q, error %v", tt.field, tt.raw, got, err, tt.want, tt.err)
		}
		if err != nil && tt.raw != "" && strings.Contains(err.Error(), tt.raw) {
			t.Errorf("NormalizeValue(%q, %q): error %q quotes the value", tt.field, tt.raw, err)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := map[string]time.Time{
		"2024-03-01T10:20:30+02:00": time.Date(2024, 3, 1, 8, 20, 30, 0, time.UTC),
		"45352.5":                   time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC),
		"1/2/2006 3:04 PM":          time.Date(2006, 1, 2, 15, 4, 0, 0, time.UTC),
		"60":                        time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC),
		"61":                        time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range tests {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
