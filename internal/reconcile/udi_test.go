package reconcile

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

var udiSeed = flag.Uint64("reconcile.udiseed", 0, "seed for TestUDIIdentity (0: from the clock)")

// TestUDIIdentity resolves random UDIs and EUI-64s: a CMMS record and a
// capture's record that share only a UDI (DI and serial, written in two
// forms) or only an EUI-64 (in two notations) are one device; records that
// share a DI alone stay apart, and two serials of one DI contradict.
func TestUDIIdentity(t *testing.T) {
	seed := *udiSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -reconcile.udiseed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 14))
	var in []Input
	cmms := newBatch(t, &in, "cmms", vigil.SourceInventory, 1)
	network := newBatch(t, &in, "network", vigil.SourceNetwork, 1001)
	const n = 60
	type pair struct{ a, b int64 }
	var same []pair
	issuers := []vigil.UDIIssuer{vigil.UDIIssuerGS1, vigil.UDIIssuerHIBCC, vigil.UDIIssuerICCBBA}
	for i := 0; i < n; i++ {
		a, b := cmms.next, network.next
		if i%2 == 0 {
			u := udi.Random(rng, issuers[i%3])
			canon, err := udi.Format(u)
			if err != nil {
				t.Fatal(err)
			}
			// The capture's record: the same device, its lot and dates
			// unknown, the UDI in the same canonical form a message gives.
			wire := u
			wire.Lot, wire.Expiry, wire.Manufactured = "", "", ""
			if wire.Issuer == vigil.UDIIssuerICCBBA && wire.DonationID == "" && wire.Serial == "" {
				t.Fatal("random ISBT 128 UDI without an instance")
			}
			seen, err := udi.Format(wire)
			if err != nil {
				t.Fatal(err)
			}
			cmms.add(vigil.FieldAssetTag, fmt.Sprintf("CE%05d", i), vigil.FieldUDI, canon)
			network.add(vigil.FieldIP, fmt.Sprintf("10.9.%d.%d", i/200, i%200+1), vigil.FieldUDI, seen)
		} else {
			hex := fmt.Sprintf("%016X", rng.Uint64()|1)
			cmms.add(vigil.FieldAssetTag, fmt.Sprintf("CE%05d", i), vigil.FieldEUI64, hex)
			eui, _ := vigil.NormalizeEUI64(hex)
			network.add(vigil.FieldIP, fmt.Sprintf("10.9.%d.%d", i/200, i%200+1), vigil.FieldEUI64, eui)
		}
		same = append(same, pair{a, b})
	}
	// Two listings of one DI without a serial: a model twice, not a device.
	body := fmt.Sprintf("%013d", rng.Int64N(1e13))
	di := "(01)" + body + gtinDigit(body)
	apart := []int64{cmms.next, cmms.next + 1}
	cmms.add(vigil.FieldAssetTag, "MODEL-A", vigil.FieldUDI, di)
	cmms.add(vigil.FieldAssetTag, "MODEL-B", vigil.FieldUDI, di)
	// Two serials of one DI under one host name: contradicting strong
	// identifiers the weak link must not join.
	contra := []int64{cmms.next, network.next}
	cmms.add(vigil.FieldHostname, "pump-77", vigil.FieldUDI, di+"(21)A1")
	network.add(vigil.FieldHostname, "pump-77", vigil.FieldUDI, di+"(21)B2")

	res := mustResolve(t, in, nil, Config{Sources: append(slices.Clone(ceIT), SourceInfo{Name: "network", Kind: vigil.SourceNetwork, Role: vigil.SourceRoleNetwork})})
	for i, p := range same {
		da, db := deviceOf(t, res, p.a), deviceOf(t, res, p.b)
		if da != db {
			t.Fatalf("pair %d: records %d and %d are devices %d and %d, want one", i, p.a, p.b, da.ID, db.ID)
		}
		want := "udi"
		if i%2 == 1 {
			want = "eui64"
		}
		if !slices.Contains(da.Linked, want) || da.Confidence != ConfidenceStrong {
			t.Errorf("pair %d: linked %v confidence %v, want %s and strong", i, da.Linked, da.Confidence, want)
		}
	}
	if deviceOf(t, res, apart[0]) == deviceOf(t, res, apart[1]) {
		t.Errorf("two records sharing only a DI became one device")
	}
	if deviceOf(t, res, contra[0]) == deviceOf(t, res, contra[1]) {
		t.Errorf("two serials of one DI under one host name became one device")
	}
	if len(res.Devices) != n+4 {
		t.Errorf("%d devices, want %d", len(res.Devices), n+4)
	}
	// A UDI record keys on its UDI, an EUI-64 record on its EUI-64.
	if k := RecordKey("cmms", &vigil.Record{Fields: vigil.MakeFields(map[string]string{vigil.FieldUDI: di + "(21)A1"})}); k != "cmms|udi=gs1:"+di[4:]+"/A1" {
		t.Errorf("RecordKey = %q", k)
	}
	if k := RecordKey("net", &vigil.Record{Fields: vigil.MakeFields(map[string]string{vigil.FieldEUI64: "0012A5FFFE3B7C10"})}); k != "net|eui64=00:12:a5:ff:fe:3b:7c:10" {
		t.Errorf("RecordKey = %q", k)
	}
	// A capture's record keeps the MAC key it had before it carried an
	// EUI-64, so a decision about it still names it.
	if k := RecordKey("net", &vigil.Record{Fields: vigil.MakeFields(map[string]string{vigil.FieldMAC: "00:12:a5:3b:7c:10", vigil.FieldEUI64: "0012A5FFFE3B7C10"})}); k != "net|mac=00:12:a5:3b:7c:10" {
		t.Errorf("RecordKey = %q", k)
	}
}

// TestUDIConflict queues two inventory records that share a MAC but carry
// different UDIs of one DI.
func TestUDIConflict(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add(vigil.FieldMAC, "00:09:fb:00:00:01", vigil.FieldUDI, "(01)00844588018923(21)S1")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 10).add(vigil.FieldMAC, "00:09:fb:00:00:01", vigil.FieldUDI, "(01)00844588018923(21)S2")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Devices) != 2 || len(res.Conflicts) != 1 {
		t.Fatalf("%d devices, %d conflicts; want 2 and 1", len(res.Devices), len(res.Conflicts))
	}
	c := res.Conflicts[0].Contradict
	if len(c) != 1 || c[0].Field != vigil.FieldUDI || c[0].A != "gs1:00844588018923/S1" || c[0].B != "gs1:00844588018923/S2" {
		t.Errorf("contradictions %+v", c)
	}
}

func gtinDigit(body string) string {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return fmt.Sprint((10 - sum%10) % 10)
}
