package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// NetworkSource is the name of the passive-capture source.
const NetworkSource = "network"

// networkWindow is how long a device seen on the wire stays in the network
// source's snapshot without being seen again.
const networkWindow = 30 * 24 * time.Hour

func deviceKey(d *vigil.ObservedDevice) string {
	if d.MAC != "" {
		return "mac:" + d.MAC
	}
	if len(d.IPs) > 0 {
		return "ip:" + d.IPs[0]
	}
	return ""
}

// RecordDiscoveryRun stores a discovery report: the run, the latest
// observation and findings of each device, and the flows. recs[i] is the
// network source's record of rep.Devices[i], kept with its observation so
// that the network source's snapshot can be rebuilt from what is stored.
func (tx *Tx) RecordDiscoveryRun(ctx context.Context, actor *vigil.User, files []string, rep *vigil.DiscoveryReport, recs []*vigil.Record) (*vigil.DiscoveryResult, error) {
	if len(recs) != len(rep.Devices) {
		return nil, vigil.Errorf(vigil.EINTERNAL, "recording discovery: %d records for %d devices", len(recs), len(rep.Devices))
	}
	out := &vigil.DiscoveryResult{}
	first, last := reportSpan(rep)
	stats, _ := json.Marshal(rep.Stats)
	fj, _ := json.Marshal(files)
	if err := tx.queryRow(ctx, `INSERT INTO discovery_runs (actor, files, recorded_at, first_seen, last_seen, packets, bytes, devices, flows, stats)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, actorName(actor), string(fj), tx.nowText(), fmtTime(first), fmtTime(last),
		int64(rep.Stats.Packets), int64(rep.Stats.Bytes), len(rep.Devices), len(rep.Flows), string(stats)).Scan(&out.RunID); err != nil {
		return nil, dbErr("recording discovery", err)
	}
	now := tx.nowText()
	for i, d := range rep.Devices {
		key := deviceKey(d)
		if key == "" {
			continue
		}
		for _, q := range []string{`UPDATE network_observations SET valid_to = ? WHERE device_key = ? AND valid_to IS NULL`,
			`UPDATE network_findings SET valid_to = ? WHERE device_key = ? AND valid_to IS NULL`} {
			if _, err := tx.exec(ctx, q, now, key); err != nil {
				return nil, dbErr("recording discovery", err)
			}
		}
		data, _ := json.Marshal(d)
		fields := encodeFlat(recs[i].Fields)
		ips, _ := json.Marshal(d.IPs)
		if _, err := tx.exec(ctx, `INSERT INTO network_observations (run_id, device_key, mac, ips, data, fields, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			out.RunID, key, d.MAC, string(ips), string(data), fields, fmtTime(d.FirstSeen), fmtTime(d.LastSeen)); err != nil {
			return nil, dbErr("recording discovery", err)
		}
		ip := ""
		if len(d.IPs) > 0 {
			ip = d.IPs[0]
		}
		for _, f := range d.Findings {
			if err := tx.bulkFor("network_findings", "run_id", "device_key", "mac", "ip", "code", "detail", "seen_at").add(ctx, tx,
				out.RunID, key, d.MAC, ip, f.Code, f.Detail, fmtTime(d.LastSeen)); err != nil {
				return nil, dbErr("recording discovery", err)
			}
			out.Findings++
		}
		out.Devices++
	}
	for _, f := range rep.Flows {
		names := ""
		if len(f.CertNames) > 0 {
			b, _ := json.Marshal(f.CertNames)
			names = string(b)
		}
		if err := tx.bulkFor("flows", "run_id", "client", "server", "port", "proto", "app", "vlan", "connections", "packets", "bytes", "first_seen", "last_seen",
			"server_name", "cert_org", "cert_names", "client_host", "server_host").add(ctx, tx,
			out.RunID, f.Client, f.Server, int(f.Port), f.Proto, f.App, f.VLAN, f.Connections, int64(f.Packets), int64(f.Bytes), fmtTime(f.FirstSeen), fmtTime(f.LastSeen),
			f.ServerName, f.CertOrg, names, f.ClientHost, f.ServerHost); err != nil {
			return nil, dbErr("recording discovery", err)
		}
		out.Flows++
	}
	if err := tx.flushBulks(ctx); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, actor, "discovery.record", "discovery_run", out.RunID, map[string]any{
		"files": files, "devices": out.Devices, "flows": out.Flows, "findings": out.Findings, "packets": rep.Stats.Packets}); err != nil {
		return nil, dbErr("recording discovery", err)
	}
	return out, nil
}

func reportSpan(rep *vigil.DiscoveryReport) (first, last time.Time) {
	for _, d := range rep.Devices {
		if first.IsZero() || d.FirstSeen.Before(first) {
			first = d.FirstSeen
		}
		if d.LastSeen.After(last) {
			last = d.LastSeen
		}
	}
	return first, last
}

// NetworkSnapshot is the network source as it stands: every device whose
// latest observation is within the window.
func (tx *Tx) NetworkSnapshot(ctx context.Context, files []string) (*vigil.Snapshot, error) {
	var newest string
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(last_seen), '') FROM network_observations WHERE valid_to IS NULL`).Scan(&newest); err != nil {
		return nil, dbErr("reading observations", err)
	}
	cutoff := fmtTime(parseTime(newest).Add(-networkWindow))
	rows, err := tx.query(ctx, `SELECT device_key, fields, last_seen FROM network_observations WHERE valid_to IS NULL AND last_seen >= ? ORDER BY device_key`, cutoff)
	if err != nil {
		return nil, dbErr("reading observations", err)
	}
	defer rows.Close()
	snap := &vigil.Snapshot{Source: vigil.Source{Name: NetworkSource, Kind: vigil.SourceNetwork, Role: "network"}, Files: files, TakenAt: tx.now}
	for rows.Next() {
		var key, fields, seen string
		if err := rows.Scan(&key, &fields, &seen); err != nil {
			return nil, dbErr("reading observations", err)
		}
		r := &vigil.Record{Origin: vigil.Origin{File: "capture " + key}, ObservedAt: parseTime(seen)}
		if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
			return nil, dbErr("reading observations", err)
		}
		if r.Fields.Len() > 0 {
			snap.Records = append(snap.Records, r)
		}
	}
	return snap, dbErr("reading observations", rows.Err())
}

// FindNetworkView returns the current observations of the device's MAC and
// IP, its flows and its peers.
func (db *DB) FindNetworkView(ctx context.Context, d *vigil.Device) (*vigil.NetworkView, error) {
	v := &vigil.NetworkView{Observations: []*vigil.ObservedDevice{}, Flows: []*vigil.FlowSummary{}, Peers: []vigil.Peer{}}
	var keys []any
	if d.MAC != "" {
		keys = append(keys, "mac:"+d.MAC)
	}
	if d.IP != "" {
		keys = append(keys, "ip:"+d.IP)
	}
	if len(keys) == 0 {
		return v, nil
	}
	rows, err := db.query(ctx, `SELECT data FROM network_observations WHERE valid_to IS NULL AND device_key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, keys...)
	if err != nil {
		return nil, dbErr("reading observations", err)
	}
	ipset := map[string]bool{}
	if d.IP != "" {
		ipset[d.IP] = true
	}
	err = scanJSON(rows, func(o *vigil.ObservedDevice) error {
		for _, ip := range o.IPs {
			ipset[ip] = true
		}
		v.Observations = append(v.Observations, o)
		return nil
	})
	if err != nil {
		return nil, dbErr("reading observations", err)
	}
	if len(ipset) == 0 {
		return v, nil
	}
	var ips []any
	for ip := range ipset {
		ips = append(ips, ip)
	}
	in := "(?" + strings.Repeat(", ?", len(ips)-1) + ")"
	flows, err := db.findFlows(ctx, `WHERE client IN `+in+` OR server IN `+in+` ORDER BY bytes DESC LIMIT 500`, append(ips, ips...)...)
	if err != nil {
		return nil, err
	}
	v.Flows = flows
	peers := map[string]*vigil.Peer{}
	for _, f := range flows {
		other := f.Server
		if !ipset[f.Client] {
			other = f.Client
		}
		p := peers[other]
		if p == nil {
			p = &vigil.Peer{IP: other}
			peers[other] = p
		}
		p.Flows++
		p.Bytes += int64(f.Bytes)
		if f.App != "" && !contains(p.Apps, f.App) {
			p.Apps = append(p.Apps, f.App)
		}
	}
	for _, p := range peers {
		if devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{Query: p.IP, Limit: 1}); err == nil && len(devs) == 1 && devs[0].IP == p.IP {
			p.DeviceID = devs[0].ID
		}
		v.Peers = append(v.Peers, *p)
	}
	sort.Slice(v.Peers, func(i, j int) bool { return v.Peers[i].Bytes > v.Peers[j].Bytes })
	return v, nil
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func (db *DB) findFlows(ctx context.Context, where string, args ...any) ([]*vigil.FlowSummary, error) {
	rows, err := db.query(ctx, `SELECT client, server, port, proto, app, vlan, connections, packets, bytes, first_seen, last_seen,
		server_name, cert_org, cert_names, client_host, server_host FROM flows `+where, args...)
	if err != nil {
		return nil, dbErr("reading flows", err)
	}
	defer rows.Close()
	var out []*vigil.FlowSummary
	for rows.Next() {
		var f vigil.FlowSummary
		var port int
		var pk, by int64
		var first, last, names string
		if err := rows.Scan(&f.Client, &f.Server, &port, &f.Proto, &f.App, &f.VLAN, &f.Connections, &pk, &by, &first, &last,
			&f.ServerName, &f.CertOrg, &names, &f.ClientHost, &f.ServerHost); err != nil {
			return nil, dbErr("reading flows", err)
		}
		if names != "" {
			if err := json.Unmarshal([]byte(names), &f.CertNames); err != nil {
				return nil, dbErr("reading flows", err)
			}
		}
		f.Port, f.Packets, f.Bytes = uint16(port), uint64(pk), uint64(by)
		f.FirstSeen, f.LastSeen = parseTime(first), parseTime(last)
		out = append(out, &f)
	}
	return out, dbErr("reading flows", rows.Err())
}

// FindFlowsByApp lists every recorded flow, of every run, whose app is
// one of apps, oldest first.
func (db *DB) FindFlowsByApp(ctx context.Context, apps []string) ([]*vigil.FlowSummary, error) {
	if len(apps) == 0 {
		return []*vigil.FlowSummary{}, nil
	}
	args := make([]any, len(apps))
	for i, a := range apps {
		args[i] = a
	}
	out, err := db.findFlows(ctx, `WHERE app IN (?`+strings.Repeat(`, ?`, len(apps)-1)+`) ORDER BY first_seen, id`, args...)
	if out == nil {
		out = []*vigil.FlowSummary{}
	}
	return out, err
}

// FindNetworkFindings lists the current findings, optionally of one code.
func (db *DB) FindNetworkFindings(ctx context.Context, code string) ([]*vigil.DeviceFinding, error) {
	q := `SELECT f.device_key, f.mac, f.ip, f.code, f.detail, f.seen_at, COALESCE((SELECT MIN(d.id) FROM devices d WHERE d.removed_at IS NULL AND ((f.mac <> '' AND d.mac = f.mac) OR (f.mac = '' AND d.ip = f.ip))), 0)
		FROM network_findings f WHERE f.valid_to IS NULL`
	var args []any
	if code != "" {
		q += ` AND f.code = ?`
		args = append(args, code)
	}
	rows, err := db.query(ctx, q+` ORDER BY f.code, f.device_key`, args...)
	if err != nil {
		return nil, dbErr("reading findings", err)
	}
	defer rows.Close()
	var out []*vigil.DeviceFinding
	for rows.Next() {
		var f vigil.DeviceFinding
		var seen string
		if err := rows.Scan(&f.DeviceKey, &f.MAC, &f.IP, &f.Code, &f.Detail, &seen, &f.DeviceID); err != nil {
			return nil, dbErr("reading findings", err)
		}
		f.SeenAt = parseTime(seen)
		out = append(out, &f)
	}
	return out, dbErr("reading findings", rows.Err())
}

// FindSegmentFlows aggregates all recorded flows by client and server
// segment. Each endpoint's segment is its own: the VLAN its current network
// observation was seen on (the lowest when several) with its subnet, or its
// subnet alone when discovery never saw it tagged. The flow's own VLAN tag
// is not used: it is whichever side's frames the capture keyed the flow on,
// often the server's when the two sit on different VLANs.
func (db *DB) FindSegmentFlows(ctx context.Context) ([]*vigil.SegmentFlow, error) {
	vlanOf := map[string]int{}
	err := db.ScanObservations(ctx, func(o *vigil.ObservedDevice) error {
		if len(o.VLANs) == 0 {
			return nil
		}
		for _, ip := range o.IPs {
			if v, ok := vlanOf[ip]; !ok || o.VLANs[0] < v {
				vlanOf[ip] = o.VLANs[0]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	flows, err := db.findFlows(ctx, ``)
	if err != nil {
		return nil, err
	}
	agg := map[string]*vigil.SegmentFlow{}
	for _, f := range flows {
		from, to := segmentOf(f.Client, vlanOf[f.Client]), segmentOf(f.Server, vlanOf[f.Server])
		k := from + "\x00" + to
		s := agg[k]
		if s == nil {
			s = &vigil.SegmentFlow{From: from, To: to}
			agg[k] = s
		}
		s.Flows++
		s.Packets += int64(f.Packets)
		s.Bytes += int64(f.Bytes)
		app := f.App
		if app == "" {
			app = fmt.Sprintf("%s/%d", f.Proto, f.Port)
		}
		if !contains(s.Apps, app) {
			s.Apps = append(s.Apps, app)
		}
	}
	out := make([]*vigil.SegmentFlow, 0, len(agg))
	for _, s := range agg {
		sort.Strings(s.Apps)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out, nil
}

// segmentOf names an address's segment: its subnet, with the VLAN when known.
func segmentOf(ip string, vlan int) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	bits := 24
	if a.Is6() && !a.Is4In6() {
		bits = 64
	}
	p, _ := a.Unmap().Prefix(bits)
	if vlan > 0 {
		return fmt.Sprintf("VLAN %d %s", vlan, p)
	}
	return p.String()
}

// FindDiscoveryRuns lists the recorded runs, newest first.
func (db *DB) FindDiscoveryRuns(ctx context.Context, limit int) ([]map[string]any, error) {
	rows, err := db.query(ctx, `SELECT id, actor, files, recorded_at, first_seen, last_seen, packets, bytes, devices, flows FROM discovery_runs ORDER BY id DESC`+limitClause(0, limit))
	if err != nil {
		return nil, dbErr("reading discovery runs", err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var id, packets, bytes int64
		var devices, flows int
		var actor, files, rec, first, last string
		if err := rows.Scan(&id, &actor, &files, &rec, &first, &last, &packets, &bytes, &devices, &flows); err != nil {
			return nil, dbErr("reading discovery runs", err)
		}
		var fl []string
		json.Unmarshal([]byte(files), &fl)
		out = append(out, map[string]any{"id": id, "actor": actor, "files": fl, "recorded_at": parseTime(rec), "first_seen": parseTime(first),
			"last_seen": parseTime(last), "packets": packets, "bytes": bytes, "devices": devices, "flows": flows})
	}
	return out, dbErr("reading discovery runs", rows.Err())
}

// ScanObservations hands fn every current network observation, the latest
// one of each device seen on the wire.
func (db *DB) ScanObservations(ctx context.Context, fn func(*vigil.ObservedDevice) error) error {
	rows, err := db.query(ctx, `SELECT data FROM network_observations WHERE valid_to IS NULL`)
	if err != nil {
		return dbErr("reading observations", err)
	}
	return dbErr("reading observations", scanJSON(rows, fn))
}
