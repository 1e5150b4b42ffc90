package ingest_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/reconcile"
)

var genSeed = flag.Int64("seed", 0, "seed of TestGeneratedInventory (default: from the time, or VIGIL_GEN_SEED)")

// corpusSpellings reads testdata/headers.tsv as field -> the spellings the
// importer maps to it by their words (the corpus's few misses are left out:
// what they would map to is not what the test is about).
func corpusSpellings(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("testdata/headers.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) == 3 && ingest.HeaderField(cols[0]) == cols[1] {
			out[cols[1]] = append(out[cols[1]], cols[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// macNotation writes a colon-form MAC in one of the notations sources use.
func macNotation(rng *rand.Rand, mac string) string {
	bare := strings.ReplaceAll(mac, ":", "")
	switch rng.IntN(4) {
	case 0:
		return strings.ToUpper(mac)
	case 1:
		return strings.ReplaceAll(mac, ":", "-")
	case 2:
		return bare[0:4] + "." + bare[4:8] + "." + bare[8:12] // Cisco
	}
	return strings.ToUpper(bare)
}

type genDevice struct {
	tag, mfr, model, serial, mac, ip, host, fwCE, fwIT, dept string
	inCE, inIT                                               bool
}

// TestGeneratedInventory writes a clinical-engineering CSV and an IT
// workbook whose headers are drawn at random from the real-world corpus,
// MACs in mixed notations, one device listed twice in the CSV (a second
// asset tag, no MAC) and firmware that differs between the sources for a
// few devices; it imports both and reconciles them to exactly the devices,
// the duplicate and the firmware conflicts that were written. The seed is
// logged; replay one with -seed N or VIGIL_GEN_SEED=N.
func TestGeneratedInventory(t *testing.T) {
	seed := *genSeed
	if s := os.Getenv("VIGIL_GEN_SEED"); seed == 0 && s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("VIGIL_GEN_SEED: %v", err)
		}
	}
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (replay: go test ./internal/ingest -run TestGeneratedInventory -seed %d)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	spell := corpusSpellings(t)
	pick := func(field string, used map[string]bool) string {
		opts := spell[field]
		if len(opts) == 0 {
			t.Fatalf("the corpus has no spelling of %s", field)
		}
		for range 50 {
			h := opts[rng.IntN(len(opts))]
			k := strings.ToLower(h)
			if !used[k] {
				used[k] = true
				return h
			}
		}
		t.Fatalf("no unused spelling of %s", field)
		return ""
	}

	mfrs := [][2]string{{"GE Healthcare", "CARESCAPE B450"}, {"Philips", "IntelliVue MX450"}, {"Baxter", "Sigma Spectrum"},
		{"BD", "Alaris 8015"}, {"Siemens Healthineers", "ACUSON Juniper"}, {"Mindray", "BeneVision N12"}}
	n := 20 + rng.IntN(40)
	devs := make([]genDevice, n)
	for i := range devs {
		m := mfrs[rng.IntN(len(mfrs))]
		fw := fmt.Sprintf("%d.%d.%d", 1+rng.IntN(9), rng.IntN(20), rng.IntN(100))
		devs[i] = genDevice{
			tag: fmt.Sprintf("CE-%05d", 1000+i), mfr: m[0], model: m[1], serial: fmt.Sprintf("SN%07d", rng.IntN(9_000_000)+1_000_000+i*10_000_000),
			mac: fmt.Sprintf("00:1a:%02x:%02x:%02x:%02x", rng.IntN(256), i/256, i%256, rng.IntN(256)),
			ip:  fmt.Sprintf("10.%d.%d.%d", 40+rng.IntN(4), i/250, 1+i%250), host: fmt.Sprintf("med-%04d", i),
			fwCE: fw, fwIT: fw, dept: []string{"ICU", "ED", "Radiology", "Oncology"}[rng.IntN(4)],
			inCE: true, inIT: true,
		}
	}
	// Some devices only one source knows; a few firmware conflicts among
	// the devices both know.
	for i := range devs {
		switch r := rng.IntN(10); {
		case r == 0:
			devs[i].inIT = false
		case r == 1:
			devs[i].inCE = false
		}
	}
	conflicts := 0
	for i := range devs {
		if devs[i].inCE && devs[i].inIT && conflicts < 4 && rng.IntN(4) == 0 {
			devs[i].fwIT = devs[i].fwCE + "." + strconv.Itoa(1+rng.IntN(9))
			conflicts++
		}
	}
	twice := -1
	for i := range devs {
		if devs[i].inCE {
			twice = i
			break
		}
	}
	if twice < 0 {
		devs[0].inCE, twice = true, 0
	}

	dir := t.TempDir()
	// The clinical-engineering CSV.
	ceFields := []string{vigil.FieldAssetTag, vigil.FieldManufacturer, vigil.FieldModel, vigil.FieldSerial,
		vigil.FieldFirmware, vigil.FieldMAC, vigil.FieldDepartment, vigil.FieldLastPM, vigil.FieldNextPM}
	rng.Shuffle(len(ceFields), func(i, j int) { ceFields[i], ceFields[j] = ceFields[j], ceFields[i] })
	used := map[string]bool{}
	ceHeaders := make([]string, len(ceFields))
	for i, f := range ceFields {
		ceHeaders[i] = pick(f, used)
	}
	ceRow := func(d genDevice, tag string, withMAC bool) []string {
		row := make([]string, len(ceFields))
		for i, f := range ceFields {
			switch f {
			case vigil.FieldAssetTag:
				row[i] = tag
			case vigil.FieldManufacturer:
				row[i] = d.mfr
			case vigil.FieldModel:
				row[i] = d.model
			case vigil.FieldSerial:
				row[i] = d.serial
			case vigil.FieldFirmware:
				row[i] = d.fwCE
			case vigil.FieldMAC:
				if withMAC && rng.IntN(5) > 0 {
					row[i] = macNotation(rng, d.mac)
				}
			case vigil.FieldDepartment:
				row[i] = d.dept
			case vigil.FieldLastPM:
				row[i] = fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
			case vigil.FieldNextPM:
				row[i] = fmt.Sprintf("%02d/%02d/2026", 1+rng.IntN(12), 1+rng.IntN(28))
			}
		}
		return row
	}
	cePath := filepath.Join(dir, "cmms.csv")
	{
		f, err := os.Create(cePath)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write(ceHeaders)
		for i, d := range devs {
			if !d.inCE {
				continue
			}
			w.Write(ceRow(d, d.tag, true))
			if i == twice {
				w.Write(ceRow(d, fmt.Sprintf("CE-%05d", 90000+i), false)) // listed again: a second tag, no MAC
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}

	// The IT workbook.
	itFields := []string{vigil.FieldHostname, vigil.FieldIP, vigil.FieldMAC, vigil.FieldSerial,
		vigil.FieldManufacturer, vigil.FieldModel, vigil.FieldFirmware}
	rng.Shuffle(len(itFields), func(i, j int) { itFields[i], itFields[j] = itFields[j], itFields[i] })
	used = map[string]bool{}
	itPath := filepath.Join(dir, "cmdb.xlsx")
	{
		wb := excelize.NewFile()
		row := make([]any, len(itFields))
		for i, f := range itFields {
			row[i] = pick(f, used)
		}
		if err := wb.SetSheetRow("Sheet1", "A1", &row); err != nil {
			t.Fatal(err)
		}
		r := 2
		for _, d := range devs {
			if !d.inIT {
				continue
			}
			vals := make([]any, len(itFields))
			for i, f := range itFields {
				vals[i] = map[string]string{vigil.FieldHostname: d.host + ".clinical.example.org", vigil.FieldIP: d.ip,
					vigil.FieldMAC: macNotation(rng, d.mac), vigil.FieldSerial: d.serial, vigil.FieldManufacturer: d.mfr,
					vigil.FieldModel: d.model, vigil.FieldFirmware: d.fwIT}[f]
			}
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := wb.SetSheetRow("Sheet1", cell, &vals); err != nil {
				t.Fatal(err)
			}
			r++
		}
		if err := wb.SaveAs(itPath); err != nil {
			t.Fatal(err)
		}
	}

	// Import both, checking every drawn header mapped to its field.
	var in []reconcile.Input
	for _, src := range []struct {
		name, path string
		fields     []string
	}{{"cmms", cePath, ceFields}, {"cmdb", itPath, itFields}} {
		res, err := ingest.Read(context.Background(), src.path, ingest.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatalf("%s: %v", src.name, err)
		}
		for i, cm := range res.Mapping {
			if cm.Field != src.fields[i] {
				t.Errorf("%s: header %q mapped to %q (%s), want %q", src.name, cm.Header, cm.Field, cm.How, src.fields[i])
			}
		}
		if len(res.Errors) > 0 || len(res.Unmapped) > 0 {
			t.Errorf("%s: bad rows %v, unmapped %q", src.name, res.Errors, res.Unmapped)
		}
		for _, r := range res.Records {
			in = append(in, reconcile.Input{Ref: int64(len(in) + 1), Source: src.name, Kind: vigil.SourceInventory, Record: r})
		}
	}
	res, err := reconcile.Resolve(in, nil, reconcile.Config{Sources: []reconcile.SourceInfo{
		{Name: "cmms", Kind: vigil.SourceInventory, Role: vigil.SourceRoleClinicalEngineering},
		{Name: "cmdb", Kind: vigil.SourceInventory, Role: vigil.SourceRoleIT},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var dups, fwConflicts, idConflicts int
	for _, d := range res.Discrepancies(reconcile.DiscrepancyOptions{}) {
		switch {
		case d.Kind == vigil.DiscrepancyDuplicate:
			dups++
			if !strings.Contains(d.Detail, "differ in asset_tag") {
				t.Errorf("duplicate does not name the asset tag: %s", d.Detail)
			}
		case d.Kind == vigil.DiscrepancyFieldConflict && d.Field == vigil.FieldFirmware:
			fwConflicts++
		case d.Kind == vigil.DiscrepancyIdentityConflict:
			idConflicts++
		}
	}
	if len(res.Devices) != n || dups != 1 || fwConflicts != conflicts || idConflicts != 0 {
		t.Errorf("CE headers %q, IT headers %q", ceHeaders, itFields)
		t.Errorf("got %d devices, %d duplicates, %d firmware conflicts, %d identity conflicts; want %d, 1, %d, 0",
			len(res.Devices), dups, fwConflicts, idConflicts, n, conflicts)
	}
}
