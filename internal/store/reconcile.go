package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/reconcile"
)

// Settings names.
const (
	settingPrecedence = "reconcile.precedence"
	settingStaleDays  = "reconcile.stale_days"
)

// classifier is built once per process: the taxonomy and OUI table are
// embedded data.
var classifier = sync.OnceValues(classify.New)

// resolveInventory re-resolves every current record of every source into
// devices (internal/reconcile), classifies them, writes the differences with
// new versions and audit events, and replaces the discrepancy list. It
// returns the number of live devices.
func (tx *Tx) resolveInventory(ctx context.Context, actor *vigil.User) (int, error) {
	recs, err := tx.loadCurrentRecords(ctx)
	if err != nil {
		return 0, err
	}
	existing, err := tx.liveStates(ctx)
	if err != nil {
		return 0, err
	}
	cfg, staleDays, err := tx.reconcileConfig(ctx)
	if err != nil {
		return 0, err
	}
	decisions, err := tx.decisions(ctx)
	if err != nil {
		return 0, err
	}
	inputs := make([]reconcile.Input, 0, len(recs)+len(tx.pending))
	for i := range recs {
		c := &recs[i]
		inputs = append(inputs, reconcile.Input{Ref: c.id, Source: c.source, Kind: c.kind, Record: &c.rec, PrevDevice: c.deviceID})
	}
	for i := range tx.pending {
		p := &tx.pending[i]
		inputs = append(inputs, reconcile.Input{Ref: pendingBase + int64(i), Source: p.snap.source, Kind: p.snap.kind, Record: p.rec, PrevDevice: p.deviceID})
	}
	deviceOf := make([]int64, len(tx.pending))
	// The import needs only the chosen values; the device page rebuilds
	// every source's value for one device when asked (FindDeviceProvenance).
	cfg.Provenance = reconcile.ProvenanceNone
	res, err := reconcile.Resolve(inputs, decisions, cfg)
	if err != nil {
		return 0, err
	}
	cls, err := classifier()
	if err != nil {
		return 0, vigil.WrapError(vigil.EINTERNAL, "loading the device taxonomy", err)
	}
	sites := &siteCache{ids: map[string]int64{}, places: map[string]int64{}}
	typeCache := map[string]typeMatch{}
	setDev, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(`UPDATE source_records SET device_id = ? WHERE id = ?`))
	if err != nil {
		return 0, dbErr("resolving devices", err)
	}
	defer setDev.Close()
	live := make(map[int64]bool, len(res.Devices))
	for _, rd := range res.Devices {
		d := &rd.Device
		live[d.ID] = true
		reason := classifyDevice(cls, typeCache, d, rd.Chosen(vigil.FieldStoresEPHI) != "", rd.Chosen(vigil.FieldSendsEPHI) != "")
		if site := rd.Chosen(vigil.FieldSite); site != "" {
			if d.SiteID, err = sites.hospital(ctx, tx, site); err != nil {
				return 0, err
			}
		} else if d.SiteID, err = sites.byLocation(ctx, tx, d.Location); err != nil {
			return 0, err
		}
		if d.SiteID != 0 {
			path := [4]string{rd.Chosen(vigil.FieldBuilding), rd.Chosen(vigil.FieldFloor),
				rd.Chosen(vigil.FieldDepartment), rd.Chosen(vigil.FieldRoom)}
			if d.PlaceID, err = sites.place(ctx, tx, d.SiteID, path); err != nil {
				return 0, err
			}
		}
		extra := deviceExtra{confidence: rd.Confidence, sources: rd.Sources, typeReason: reason}
		if old := existing[d.ID]; old != nil {
			if err := tx.updateDevice(ctx, actor, old, d, extra); err != nil {
				return 0, err
			}
		} else if err := tx.insertDevice(ctx, actor, d, extra); err != nil {
			return 0, err
		}
		for _, ref := range rd.Members {
			if ref >= pendingBase {
				deviceOf[ref-pendingBase] = d.ID
				continue
			}
			// recs is in id order, as loaded.
			if i, ok := slices.BinarySearchFunc(recs, ref, func(c storedRecord, id int64) int { return cmp.Compare(c.id, id) }); ok && recs[i].deviceID != d.ID {
				if _, err := setDev.ExecContext(ctx, d.ID, ref); err != nil {
					return 0, dbErr("resolving devices", err)
				}
			}
		}
	}
	for _, ch := range res.IDChanges {
		if err := tx.audit(ctx, actor, "device."+ch.Kind, "device", ch.Kept, ch); err != nil {
			return 0, dbErr("resolving devices", err)
		}
	}
	if err := tx.removeDevices(ctx, actor, existing, live); err != nil {
		return 0, err
	}
	if err := tx.writePending(ctx, deviceOf); err != nil {
		return 0, err
	}
	if err := tx.writeConflicts(ctx, res.Conflicts); err != nil {
		return 0, err
	}
	if err := tx.writeDiscrepancies(ctx, res, reconcile.DiscrepancyOptions{Now: tx.now, StaleDays: staleDays}); err != nil {
		return 0, err
	}
	// When devices appeared, went, or changed maker, model or firmware,
	// match them against the vulnerability data again in the same
	// transaction, so matches never describe a stale inventory.
	if tx.rematch {
		if err := tx.flushBulks(ctx); err != nil {
			return 0, err
		}
		if _, err := tx.refreshMatches(ctx, actor); err != nil {
			return 0, err
		}
	}
	return len(res.Devices), nil
}

// removeDevices marks the devices no source lists any more.
func (tx *Tx) removeDevices(ctx context.Context, actor *vigil.User, existing map[int64]*liveDevice, live map[int64]bool) error {
	now := tx.nowText()
	ids := make([]int64, 0)
	for id := range existing {
		if !live[id] {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if _, err := tx.exec(ctx, `UPDATE devices SET removed_at = ?, updated_at = ? WHERE id = ?`, now, now, id); err != nil {
			return dbErr("resolving devices", err)
		}
		old, err := tx.deviceByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.closeVersion(ctx, old); err != nil {
			return err
		}
		tx.rematch = true
		if err := tx.audit(ctx, actor, "device.remove", "device", id, map[string]any{"reason": "no source lists it"}); err != nil {
			return dbErr("resolving devices", err)
		}
	}
	return nil
}

// classifyDevice maps the sources' device type onto the taxonomy, or infers
// one from model, manufacturer, host name and MAC vendor, and fills
// criticality and ePHI defaults that no source gave. It returns the reason.
func classifyDevice(c *classify.Classifier, cache map[string]typeMatch, d *vigil.Device, storesKnown, sendsKnown bool) string {
	var t classify.Type
	var reason string
	if d.DeviceType != "" {
		m, ok := cache[d.DeviceType]
		if !ok {
			m.t, m.reason = typeByLabel(c, d.DeviceType)
			cache[d.DeviceType] = m
		}
		t, reason = m.t, m.reason
	}
	if t.Name == "" {
		var conf float64
		t, conf, reason = c.Classify(d.Manufacturer, d.Model, d.Hostname, c.Vendor(d.MAC))
		if t.Name != "" {
			reason = fmt.Sprintf("%s (confidence %.2f)", reason, conf)
		}
	}
	if t.Name == "" {
		return "unclassified: no model, manufacturer, host name or MAC vendor rule matched"
	}
	d.DeviceType = t.Name
	if d.Criticality == vigil.CriticalityUnknown {
		d.Criticality = t.Criticality
	}
	// What a source says about ePHI wins; otherwise the type's default.
	if !storesKnown {
		d.StoresEPHI = t.StoresEPHI
	}
	if !sendsKnown {
		d.SendsEPHI = t.SendsEPHI
	}
	return reason
}

// typeMatch is a cached typeByLabel answer.
type typeMatch struct {
	t      classify.Type
	reason string
}

// typeByLabel matches a source's own type text ("Infusion Pump", "PUMP,
// INFUSION") to a taxonomy type by name or label, ignoring case and
// punctuation, then by the model rules.
func typeByLabel(c *classify.Classifier, s string) (classify.Type, string) {
	norm := func(x string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(x))
	}
	want := norm(s)
	for _, t := range c.Types() {
		if norm(t.Name) == want || norm(t.Label) == want {
			return t, fmt.Sprintf("the sources call it %q", s)
		}
	}
	if t, _, r := c.Classify("", s, "", ""); t.Name != "" {
		return t, fmt.Sprintf("the sources' type %q: %s", s, r)
	}
	return classify.Type{}, ""
}

// reconcileConfig reads source roles, precedence and the stale threshold.
func (tx *Tx) reconcileConfig(ctx context.Context) (reconcile.Config, int, error) {
	var cfg reconcile.Config
	rows, err := tx.query(ctx, `SELECT name, kind, role FROM sources ORDER BY name`)
	if err != nil {
		return cfg, 0, dbErr("reading sources", err)
	}
	for rows.Next() {
		var si reconcile.SourceInfo
		var kind, role string
		if err := rows.Scan(&si.Name, &kind, &role); err != nil {
			rows.Close()
			return cfg, 0, dbErr("reading sources", err)
		}
		si.Kind, si.Role = vigil.SourceKind(kind), reconcile.Role(role)
		if !si.Role.Valid() {
			si.Role = defaultRole(si.Name, si.Kind)
		}
		cfg.Sources = append(cfg.Sources, si)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return cfg, 0, dbErr("reading sources", err)
	}
	var maxID sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(id) FROM devices`).Scan(&maxID); err != nil {
		return cfg, 0, dbErr("reading devices", err)
	}
	cfg.NextID = maxID.Int64 + 1
	if v, err := tx.setting(ctx, settingPrecedence); err != nil {
		return cfg, 0, err
	} else if v != "" {
		if err := json.Unmarshal([]byte(v), &cfg.Precedence); err != nil {
			return cfg, 0, vigil.WrapError(vigil.EINTERNAL, "the stored precedence is not valid JSON", err)
		}
	}
	stale := 30
	if v, err := tx.setting(ctx, settingStaleDays); err != nil {
		return cfg, 0, err
	} else if v != "" {
		fmt.Sscan(v, &stale)
	}
	return cfg, stale, nil
}

// defaultRole guesses a source's role from its kind and name when no one
// set it: clinical engineering for CMMS-like names, IT for CMDB-like ones.
func defaultRole(name string, kind vigil.SourceKind) reconcile.Role {
	n := strings.ToLower(name)
	switch {
	case kind == vigil.SourceScanner:
		return reconcile.RoleScanner
	case kind == vigil.SourceNetwork:
		return reconcile.RoleNetwork
	case kind != vigil.SourceInventory:
		return reconcile.RoleOther
	case strings.Contains(n, "cmms") || strings.Contains(n, "biomed") || strings.Contains(n, "clinical") || strings.HasPrefix(n, "ce"):
		return reconcile.RoleClinicalEngineering
	case strings.Contains(n, "cmdb") || strings.Contains(n, "it") || strings.Contains(n, "servicenow"):
		return reconcile.RoleIT
	}
	return reconcile.RoleOther
}

func (tx *Tx) setting(ctx context.Context, name string) (string, error) {
	var v string
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, dbErr("reading a setting", err)
}

func (tx *Tx) setSetting(ctx context.Context, name, value string) error {
	if _, err := tx.exec(ctx, `DELETE FROM settings WHERE name = ?`, name); err != nil {
		return dbErr("saving a setting", err)
	}
	_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, value)
	return dbErr("saving a setting", err)
}

func (tx *Tx) decisions(ctx context.Context) ([]reconcile.Decision, error) {
	rows, err := tx.query(ctx, `SELECT key_a, key_b, same, actor, at, note FROM identity_decisions ORDER BY id`)
	if err != nil {
		return nil, dbErr("reading decisions", err)
	}
	defer rows.Close()
	var out []reconcile.Decision
	for rows.Next() {
		var d reconcile.Decision
		var same int
		var at string
		if err := rows.Scan(&d.A, &d.B, &same, &d.By, &at, &d.Note); err != nil {
			return nil, dbErr("reading decisions", err)
		}
		d.Same, d.At = same != 0, parseTime(at)
		out = append(out, d)
	}
	return out, dbErr("reading decisions", rows.Err())
}

// ackKey identifies a discrepancy across resolutions.
func ackKey(d *vigil.Discrepancy) string {
	return string(d.Kind) + "|" + strconv.FormatInt(d.Device.ID, 10) + "|" + d.Field + "|" + strings.Join(d.Sources, ",")
}

// discrepancyData is what a discrepancy row stores besides its kind and
// device: the field, the sources' values, the sources and the detail, as
// JSON. The device's identifiers are not repeated in every row; they are
// read from the device when the discrepancy is listed.
func discrepancyData(d *vigil.Discrepancy) string {
	b := make([]byte, 0, 96+len(d.Detail))
	b = append(b, '{')
	if d.Field != "" {
		b = append(b, `"field":`...)
		b = appendJSONString(b, d.Field)
		b = append(b, ',')
	}
	if d.Values != nil {
		b = append(b, `"values":`...)
		b = appendFlat(b, d.Values)
		b = append(b, ',')
	}
	b = append(b, `"sources":[`...)
	for i, s := range d.Sources {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	b = append(b, ']')
	if d.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, d.Detail)
	}
	return string(append(b, '}'))
}

// writeDiscrepancies brings the stored list to the resolution's
// discrepancies, touching only the rows that changed: a daily sync that
// changes nothing writes nothing. The discrepancies are taken one device at
// a time (the listing sorts them), never held all at once.
func (tx *Tx) writeDiscrepancies(ctx context.Context, res *reconcile.Result, opt reconcile.DiscrepancyOptions) error {
	type row struct {
		id   int64
		data string
	}
	have := map[string][]row{}
	rows, err := tx.query(ctx, `SELECT id, ack_key, data FROM discrepancies`)
	if err != nil {
		return dbErr("recording discrepancies", err)
	}
	for rows.Next() {
		var r row
		var key string
		if err := rows.Scan(&r.id, &key, &r.data); err != nil {
			rows.Close()
			return dbErr("recording discrepancies", err)
		}
		have[key] = append(have[key], r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("recording discrepancies", err)
	}
	ins := tx.bulkFor("discrepancies", "kind", "device_id", "field", "ack_key", "data")
	err = res.EachDiscrepancy(opt, func(d *vigil.Discrepancy) error {
		key, data := ackKey(d), discrepancyData(d)
		if old := have[key]; len(old) > 0 {
			// The same discrepancy is already stored: keep its row.
			for j, r := range old {
				if r.data == data {
					have[key] = append(old[:j], old[j+1:]...)
					return nil
				}
			}
		}
		return ins.add(ctx, tx, string(d.Kind), d.Device.ID, d.Field, key, data)
	})
	if err != nil {
		return dbErr("recording discrepancies", err)
	}
	var gone []int64
	for _, old := range have {
		for _, r := range old {
			gone = append(gone, r.id)
		}
	}
	return dbErr("recording discrepancies", tx.deleteIDs(ctx, "discrepancies", gone))
}

// deleteIDs deletes rows of table by id, many per statement.
func (tx *Tx) deleteIDs(ctx context.Context, table string, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), bulkRows*8)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
