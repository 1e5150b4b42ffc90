package match

import "testing"

func BenchmarkParseVersion(b *testing.B) {
	for b.Loop() {
		ParseVersion("12.3.0.1234-hotfix2")
	}
}

func BenchmarkCompare(b *testing.B) {
	x, y := ParseVersion("12.3.0.1234"), ParseVersion("12.3.0.999")
	for b.Loop() {
		Compare(x, y)
	}
}

func BenchmarkParseCPE(b *testing.B) {
	for b.Loop() {
		if _, err := ParseCPE("cpe:2.3:o:gehealthcare:apexpro_telemetry_server_firmware:4.2:*:*:*:*:*:*:*"); err != nil {
			b.Fatal(err)
		}
	}
}
