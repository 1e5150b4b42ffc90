package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reconcile"
)

// Scenario sizes the generated hospital.
type Scenario struct {
	Devices int
	Seed    uint64
}

// Sources is the source configuration of the generated hospital.
func Sources() []reconcile.SourceInfo {
	return []reconcile.SourceInfo{
		{Name: "cmms", Kind: vigil.SourceInventory, Role: vigil.SourceRoleClinicalEngineering},
		{Name: "cmdb", Kind: vigil.SourceInventory, Role: vigil.SourceRoleIT},
		{Name: "netscan", Kind: vigil.SourceNetwork, Role: vigil.SourceRoleNetwork},
	}
}

// models are the makes and models the generator draws from.
func models() []struct{ mfr, model string } {
	return []struct{ mfr, model string }{
		{"Baxter", "Sigma Spectrum"}, {"BD", "Alaris 8015"}, {"ICU Medical", "Plum 360"},
		{"Philips", "IntelliVue MX800"}, {"GE Healthcare", "CARESCAPE B650"}, {"Medtronic", "Puritan Bennett 980"},
		{"Hamilton Medical", "Hamilton-C6"}, {"GE", "MAC 5500"}, {"Roche", "Accu-Chek Inform II"},
		{"Siemens Healthineers", "SOMATOM go.Up"}, {"Dell", "OptiPlex 7090"}, {"HP", "LaserJet M507"},
	}
}

// Now returns the time the benchmark resolves at.
func Now() time.Time { return time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC) }

// Generate returns about 250,000 records for s.Devices devices. The CMMS
// lists 90 % of them (15 % of those without a MAC); the CMDB lists 85 %
// (a third without a MAC, keyed by serial or host name only, 40 % with a
// serial); the passive capture sees 80 % by MAC and IP, most within 12
// hours of the exports and 15 % a month or two before. About 2 % disagree
// on model or location, 0.5 % are listed twice by the CMMS, 0.1 % carry a
// contradicting MAC in the CMDB, and 3 % are seen on the network only.
func Generate(s Scenario) []reconcile.Input {
	rng := rand.New(rand.NewPCG(s.Seed, 42))
	t0 := Now().Add(-24 * time.Hour) // the day of the inventory exports
	in := make([]reconcile.Input, 0, s.Devices*3)
	ref := int64(0)
	models := models()
	add := func(src string, kind vigil.SourceKind, at time.Time, f map[string]string) {
		ref++
		in = append(in, reconcile.Input{Ref: ref, Source: src, Kind: kind,
			Record: &vigil.Record{Origin: vigil.Origin{File: src + ".csv", Line: int(ref)}, ObservedAt: at, Fields: vigil.MakeFields(f)}})
	}
	for i := 0; i < s.Devices; i++ {
		m := models[rng.IntN(len(models))]
		mac := fmt.Sprintf("00:%02x:%02x:%02x:%02x:%02x", rng.IntN(256), i>>16&255, i>>8&255, i&255, rng.IntN(256))
		serial := fmt.Sprintf("SN%07d", i)
		asset := fmt.Sprintf("BME-%06d", i)
		host := fmt.Sprintf("dev-%06d", i)
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		loc := fmt.Sprintf("Bldg %d / Floor %d / Room %d", i%5, i%9, i%300)
		fw := fmt.Sprintf("%d.%d", 1+i%7, i%13)
		unmanaged := rng.Float64() < 0.03
		if !unmanaged && rng.Float64() < 0.90 {
			f := map[string]string{"asset_tag": asset, "serial": serial, "manufacturer": m.mfr, "model": m.model,
				"location": loc, "firmware": fw}
			if rng.Float64() < 0.85 {
				f["mac"] = mac
			}
			add("cmms", vigil.SourceInventory, t0, f)
			if rng.Float64() < 0.005 {
				add("cmms", vigil.SourceInventory, t0, map[string]string{"serial": serial, "manufacturer": m.mfr, "model": m.model})
			}
		}
		if !unmanaged && rng.Float64() < 0.85 {
			f := map[string]string{"hostname": host + ".hosp.example.org", "ip": ip, "manufacturer": m.mfr, "model": m.model}
			switch r := rng.Float64(); {
			case r < 0.001:
				f["mac"] = fmt.Sprintf("02:ff:%02x:%02x:%02x:%02x", i>>24&255, i>>16&255, i>>8&255, i&255)
				f["serial"] = serial
			case r < 0.66:
				f["mac"] = mac
			case r < 0.90:
				f["serial"] = serial
			}
			if rng.Float64() < 0.4 {
				f["serial"] = serial
			}
			if rng.Float64() < 0.02 {
				f["model"] = m.model + " (refurb)"
			}
			if rng.Float64() < 0.02 {
				f["location"] = "Storage"
			}
			add("cmdb", vigil.SourceInventory, t0.Add(time.Hour), f)
		}
		if unmanaged || rng.Float64() < 0.80 {
			f := map[string]string{"mac": mac, "ip": ip}
			if rng.Float64() < 0.5 {
				f["hostname"] = host
			}
			// Most devices were seen around the exports; some not for a month or two.
			at := t0.Add(time.Duration(rng.IntN(24)-12) * time.Hour)
			if rng.Float64() < 0.15 {
				at = t0.Add(-time.Duration(31+rng.IntN(30)) * 24 * time.Hour)
			}
			add("netscan", vigil.SourceNetwork, at, f)
		}
	}
	return in
}
