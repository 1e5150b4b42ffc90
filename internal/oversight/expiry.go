package oversight

import (
	"cmp"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Standing is what the register holds of one vendor: its risk from the
// inventory, every version of its BAA (oldest first) and its
// certifications.
type Standing struct {
	Vendor *vigil.Vendor
	Risk   vigil.VendorRisk
	BAAs   []*vigil.BAA
	Certs  []*vigil.Certification
	// MissingMDS2 are the connected medical models the vendor makes that
	// have no MDS2 form on file.
	MissingMDS2 []string
}

// GapStatus says what is wrong with an agreement or certification.
type GapStatus string

// The statuses, from the most to the least urgent.
const (
	GapMissing  GapStatus = "missing"
	GapExpired  GapStatus = "expired"
	GapExpiring GapStatus = "expiring"
)

// Gap is a BAA or certification missing, expired or expiring soon for a
// vendor whose devices touch ePHI.
type Gap struct {
	VendorID int64  `json:"vendor_id"`
	Vendor   string `json:"vendor"`
	// Item is "baa", "certification" or "mds2"; Kind the certification's
	// kind; Model the model an MDS2 form is missing for.
	Item   string         `json:"item"`
	Kind   vigil.CertKind `json:"kind,omitempty"`
	Model  string         `json:"model,omitempty"`
	ID     int64          `json:"id,omitempty"` // the BAA or certification, 0 when missing
	Status GapStatus      `json:"status"`
	Due    time.Time      `json:"due,omitzero"`
	// EPHIDevices is how many of the vendor's devices touch ePHI.
	EPHIDevices int `json:"ephi_devices"`
}

// Gaps lists, for every vendor with a device that stores or sends ePHI:
// its BAA when it has none, or when the newest version's due date (expiry
// or renewal) has passed at now or falls within the given time after it;
// an MDS2 form for each of its MissingMDS2 models;
// a certification when it has none; and the newest certification of each
// kind it holds when that one has expired or expires within the time.
// The most urgent come first (missing, expired, expiring), then by due
// date and vendor.
func Gaps(now time.Time, within time.Duration, vendors []Standing) []Gap {
	out := []Gap{}
	status := func(due time.Time) (GapStatus, bool) {
		switch {
		case due.IsZero():
			return "", false
		case !due.After(now):
			return GapExpired, true
		case !due.After(now.Add(within)):
			return GapExpiring, true
		}
		return "", false
	}
	for _, v := range vendors {
		if v.Risk.EPHI == 0 {
			continue
		}
		g := Gap{VendorID: v.Vendor.ID, Vendor: v.Vendor.Name, EPHIDevices: v.Risk.EPHI}
		baa := g
		baa.Item = "baa"
		if len(v.BAAs) == 0 {
			baa.Status = GapMissing
			out = append(out, baa)
		} else {
			cur := slices.MaxFunc(v.BAAs, func(a, b *vigil.BAA) int { return cmp.Compare(a.Version, b.Version) })
			if st, ok := status(cur.Due()); ok {
				baa.ID, baa.Status, baa.Due = cur.ID, st, cur.Due()
				out = append(out, baa)
			}
		}
		for _, m := range v.MissingMDS2 {
			mg := g
			mg.Item, mg.Status, mg.Model = "mds2", GapMissing, m
			out = append(out, mg)
		}
		cert := g
		cert.Item = "certification"
		if len(v.Certs) == 0 {
			cert.Status = GapMissing
			out = append(out, cert)
			continue
		}
		newest := map[vigil.CertKind]*vigil.Certification{}
		for _, c := range v.Certs {
			if n := newest[c.Kind]; n == nil || c.Expires.After(n.Expires) || (c.Expires.Equal(n.Expires) && c.ID > n.ID) {
				newest[c.Kind] = c
			}
		}
		for _, k := range vigil.CertKinds {
			if c := newest[k]; c != nil {
				if st, ok := status(c.Expires); ok {
					cg := cert
					cg.Kind, cg.ID, cg.Status, cg.Due = k, c.ID, st, c.Expires
					out = append(out, cg)
				}
			}
		}
	}
	rank := map[GapStatus]int{GapMissing: 0, GapExpired: 1, GapExpiring: 2}
	slices.SortStableFunc(out, func(a, b Gap) int {
		return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), a.Due.Compare(b.Due),
			cmp.Compare(vigil.VendorKey(a.Vendor), vigil.VendorKey(b.Vendor)), cmp.Compare(a.VendorID, b.VendorID), cmp.Compare(a.Item, b.Item), cmp.Compare(a.Model, b.Model))
	})
	return out
}
