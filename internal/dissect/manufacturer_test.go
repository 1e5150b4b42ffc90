package dissect

import "testing"

func TestManufacturerHints(t *testing.T) {
	tests := []struct {
		fn   func(string) string
		in   string
		want string
	}{
		{ManufacturerFromDICOMUID, "1.2.840.113619.6.374", "GE Healthcare"},
		{ManufacturerFromDICOMUID, "1.3.12.2.1107.5.2", "Siemens Healthineers"},
		{ManufacturerFromDICOMUID, "1.3.46.670589.11.0.0.51.4.56.1", "Philips Healthcare"},
		{ManufacturerFromDICOMUID, "1.2.392.200036.9116.2.6.1.48", "Canon Medical (Toshiba)"},
		{ManufacturerFromDICOMUID, "1.2.392.200036.9125.9.0.1", "Fujifilm"},
		{ManufacturerFromDICOMUID, "1.2.124.113532.80.22017.1", "Agfa HealthCare"},
		{ManufacturerFromDICOMUID, "1.2.276.0.7230010.3.0.3.6.7", "OFFIS DCMTK"},
		{ManufacturerFromDICOMUID, "1.2.40.0.13.1.3", "dcm4che"},
		{ManufacturerFromDICOMUID, "1.2.826.0.1.3680043.9.3811.2.0.2", "pynetdicom"},
		{ManufacturerFromDICOMUID, "1.2.826.0.1.3680043.2.1143.107.104.103.115.2.2.4", "GDCM"},
		{ManufacturerFromDICOMUID, "1.3.46.423632.132218", "Elekta"},
		{ManufacturerFromDICOMUID, "1.2.840.1136190", ""}, // a root must end at a dot
		{ManufacturerFromDICOMUID, "", ""},
		{ManufacturerFromHL7App, "PHILIPS", "Philips"},
		{ManufacturerFromHL7App, "IntelliVue^0009FBFFFF9B42B3^EUI-64", "Philips"},
		{ManufacturerFromHL7App, "GE_CARESCAPE", "GE Healthcare"},
		{ManufacturerFromHL7App, "EPIC", "Epic"},
		{ManufacturerFromHL7App, "CERNER", "Oracle Health (Cerner)"},
		{ManufacturerFromHL7App, "HealthSentry^HealthSentry^L", "Oracle Health (Cerner)"},
		{ManufacturerFromHL7App, "ALARIS_GW", "BD"},
		{ManufacturerFromHL7App, "MINDRAY_EGATEWAY", "Mindray"},
		{ManufacturerFromHL7App, "SENDING_APPLICATION", ""},
		{ManufacturerFromHTTP, "Allegro-Software-RomPager/4.06", "Allegro (embedded RomPager)"},
		{ManufacturerFromHTTP, "Wget/1.14 (darwin12.2.0)", "Apple"},
		{ManufacturerFromHTTP, "Apache/2.4.3 (Fedora)", ""},
		{ManufacturerFromHTTP, "lighttpd/1.4.35", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}
