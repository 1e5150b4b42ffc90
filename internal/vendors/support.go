package vendors

import (
	"cmp"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/store"
)

// SetModelSupport records new end-of-sale, end-of-support and
// end-of-patches dates for a model. A manufacturer already on file for the
// model under another spelling keeps the stored spelling.
func (s *Service) SetModelSupport(ctx context.Context, actor *vigil.User, m *vigil.ModelSupport) error {
	return s.update(ctx, actor, func(tx *store.Tx) error {
		have, err := tx.FindModelSupport(ctx)
		if err != nil {
			return err
		}
		return saveSupport(ctx, tx, actor, have, m)
	})
}

func saveSupport(ctx context.Context, tx *store.Tx, actor *vigil.User, have []*vigil.ModelSupport, m *vigil.ModelSupport) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if old := supportFor(have, &vigil.Device{Manufacturer: m.Manufacturer, Model: m.Model}); old != nil {
		m.Manufacturer, m.Model = old.Manufacturer, old.Model
	}
	return tx.SaveModelSupport(ctx, actor, m)
}

// supportFor returns the dates of the device's model, nil when none.
func supportFor(all []*vigil.ModelSupport, d *vigil.Device) *vigil.ModelSupport {
	for _, m := range all {
		if m.Describes(d) {
			return m
		}
	}
	return nil
}

// supportColumns maps the headers of an end-of-life list (folded by
// vigil.VendorKey) to its fields.
var supportColumns = map[string]string{
	"manufacturer": "maker", "vendor": "maker", "make": "maker", "mfr": "maker", "oem": "maker", "brand": "maker",
	"model": "model", "model name": "model", "model number": "model", "product": "model", "device model": "model",
	"end of sale": "sale", "eos": "sale", "end-of-sale": "sale", "end of sale date": "sale", "last order date": "sale",
	"end of support": "support", "eosl": "support", "end-of-support": "support", "end of support date": "support",
	"end of service": "support", "end of service life": "support", "end of life": "support", "eol": "support", "end-of-life": "support",
	"end of life date": "support", "eol date": "support", "last day of support": "support", "end of servicing": "support",
	"end of security patches": "patches", "end of patches": "patches", "end of security updates": "patches",
	"end-of-patches": "patches", "last security patch": "patches", "end of security support": "patches", "end of updates": "patches",
	"source": "source", "notice": "source", "reference": "source", "url": "source", "notes": "source",
}

// SupportImportResult says what importing an end-of-life list did.
type SupportImportResult struct {
	Rows      int `json:"rows"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// ImportModelSupport is ImportModelSupportList of data, under the default
// limits.
func (s *Service) ImportModelSupport(ctx context.Context, actor *vigil.User, name string, data []byte) (*SupportImportResult, error) {
	return s.ImportModelSupportList(ctx, actor, ListBytes(name, data))
}

// ImportModelSupportList reads an end-of-life list (CSV or XLSX: manufacturer,
// model and any of end of sale, end of support, end of security patches,
// source) and records the dates of every model whose dates differ from
// those on file, in one transaction; a row that does not fit refuses the
// file, naming the row. The file is held to l.Limits as it is read (List).
func (s *Service) ImportModelSupportList(ctx context.Context, actor *vigil.User, l List) (*SupportImportResult, error) {
	base := filepath.Base(l.Name)
	rows, err := readRows(l, "an end-of-life list")
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: no models: the file needs a header row and at least one model", base)
	}
	field := make([]string, len(rows[0]))
	seen := map[string]bool{}
	for i, h := range rows[0] {
		field[i] = supportColumns[vigil.VendorKey(h)]
		seen[field[i]] = true
	}
	if !seen["maker"] || !seen["model"] || !(seen["sale"] || seen["support"] || seen["patches"]) {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: an end-of-life list needs manufacturer and model columns and at least one of end of sale, end of support, end of security patches", base)
	}
	res := &SupportImportResult{}
	err = s.update(ctx, actor, func(tx *store.Tx) error {
		have, err := tx.FindModelSupport(ctx)
		if err != nil {
			return err
		}
		for n, r := range rows[1:] {
			m, err := rowSupport(field, r)
			if err == nil && m != nil {
				err = m.Validate()
			}
			if err != nil {
				return vigil.Errorf(vigil.EINVALID, "%s row %d: %s", base, n+2, vigil.ErrorMessage(err))
			}
			if m == nil {
				continue
			}
			res.Rows++
			if old := supportFor(have, &vigil.Device{Manufacturer: m.Manufacturer, Model: m.Model}); old != nil && sameDates(old, m) {
				res.Unchanged++
				continue
			}
			if err := saveSupport(ctx, tx, actor, have, m); err != nil {
				return vigil.Errorf(vigil.ErrorCode(err), "%s row %d: %s", base, n+2, vigil.ErrorMessage(err))
			}
			have = append([]*vigil.ModelSupport{m}, have...)
			res.Changed++
		}
		return tx.Audit(ctx, actor, "model.support.import", "model_support_list", base, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func sameDates(a, b *vigil.ModelSupport) bool {
	return a.EndOfSale.Equal(b.EndOfSale) && a.EndOfSupport.Equal(b.EndOfSupport) && a.EndOfPatches.Equal(b.EndOfPatches)
}

// rowSupport reads one row of an end-of-life list; nil for an empty row.
func rowSupport(field, cells []string) (*vigil.ModelSupport, error) {
	m := &vigil.ModelSupport{}
	empty := true
	for i, cell := range cells {
		cell = strings.TrimSpace(cell)
		if i >= len(field) || cell == "" {
			continue
		}
		empty = false
		var date *time.Time
		switch field[i] {
		case "maker":
			m.Manufacturer = cell
		case "model":
			m.Model = cell
		case "source":
			m.Source = cell
		case "sale":
			date = &m.EndOfSale
		case "support":
			date = &m.EndOfSupport
		case "patches":
			date = &m.EndOfPatches
		}
		if date != nil {
			t, err := ingest.ParseDate(cell)
			if err != nil {
				return nil, vigil.Errorf(vigil.EINVALID, "%q is not a date", cell)
			}
			*date = t
		}
	}
	if empty {
		return nil, nil
	}
	return m, nil
}

// ModelStanding is one model of the inventory with what the register knows
// of it: its devices, its vendors, its MDS2 form and its end-of-life dates.
type ModelStanding struct {
	Manufacturer string              `json:"manufacturer"`
	Model        string              `json:"model"`
	Devices      int                 `json:"devices"`
	Vendors      []string            `json:"vendors"`
	MDS2FormID   int64               `json:"mds2_form_id,omitempty"`
	Support      *vigil.ModelSupport `json:"support,omitempty"`
	State        vigil.SupportState  `json:"state"`
}

// Models lists every model of the inventory (manufacturer and model, as
// the first device of it names them) with its standing at t: the most
// devices first.
func (s *Service) Models(ctx context.Context, t time.Time) ([]ModelStanding, error) {
	devices, _, err := s.db.FindDevices(ctx, vigil.DeviceFilter{})
	if err != nil {
		return nil, err
	}
	support, err := s.db.FindModelSupport(ctx, nil)
	if err != nil {
		return nil, err
	}
	forms, err := s.db.FindMDS2Forms(ctx, false)
	if err != nil {
		return nil, err
	}
	vendors, err := s.db.FindVendors(ctx)
	if err != nil {
		return nil, err
	}
	index := map[[2]string]int{}
	var out []ModelStanding
	for _, d := range devices {
		if strings.TrimSpace(d.Model) == "" {
			continue
		}
		k := [2]string{vigil.MakerKey(d.Manufacturer), vigil.MDS2ModelKey(d.Model)}
		if i, ok := index[k]; ok {
			out[i].Devices++
			continue
		}
		m := ModelStanding{Manufacturer: d.Manufacturer, Model: d.Model, Devices: 1, Vendors: []string{}, Support: supportFor(support, d)}
		m.State = m.Support.State(t)
		if f := matchMDS2(forms, d.Manufacturer, d.Model); f != nil {
			m.MDS2FormID = f.ID
		}
		for _, v := range vendors {
			if v.Makes(d.Manufacturer) || slices.ContainsFunc(v.Models, func(x string) bool { return vigil.VendorKey(x) == vigil.VendorKey(d.Model) }) {
				m.Vendors = append(m.Vendors, v.Name)
			}
		}
		index[k] = len(out)
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b ModelStanding) int {
		return cmp.Or(cmp.Compare(b.Devices, a.Devices), cmp.Compare(vigil.VendorKey(a.Manufacturer), vigil.VendorKey(b.Manufacturer)),
			cmp.Compare(vigil.VendorKey(a.Model), vigil.VendorKey(b.Model)))
	})
	return out, nil
}

// Unsupported is a device whose model is past end of support or end of
// security patches.
type Unsupported struct {
	Device  *vigil.Device       `json:"device"`
	Support *vigil.ModelSupport `json:"support"`
	State   vigil.SupportState  `json:"state"`
}

// Unsupported lists the inventory's devices (as they stood at asOf, now
// when nil) whose model is past end of support or end of security patches
// at that moment, the longest past first.
func (s *Service) Unsupported(ctx context.Context, asOf *time.Time) ([]Unsupported, error) {
	t := s.now()
	if asOf != nil {
		t = *asOf
	}
	devices, _, err := s.db.FindDevices(ctx, vigil.DeviceFilter{AsOf: asOf})
	if err != nil {
		return nil, err
	}
	support, err := s.db.FindModelSupport(ctx, asOf)
	if err != nil {
		return nil, err
	}
	out := []Unsupported{}
	for _, d := range devices {
		m := supportFor(support, d)
		if st := m.State(t); st == vigil.SupportEnded || st == vigil.SupportNoPatches {
			out = append(out, Unsupported{Device: d, Support: m, State: st})
		}
	}
	since := func(u Unsupported) time.Time {
		if u.State == vigil.SupportEnded {
			return u.Support.EndOfSupport
		}
		return u.Support.EndOfPatches
	}
	slices.SortStableFunc(out, func(a, b Unsupported) int {
		return cmp.Or(since(a).Compare(since(b)), cmp.Compare(a.Device.ID, b.Device.ID))
	})
	return out, nil
}
