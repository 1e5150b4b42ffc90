package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/risk"
)

type devicePage struct {
	pageBase
	Device        *vigil.Device
	SiteName      string
	FDAClass      string // the taxonomy's FDA class of its device type, "" when none
	Place         string // the site path: building › floor › department › room
	Provenance    *vigil.DeviceProvenance
	Network       *vigil.NetworkView
	Risk          *risk.Assessment
	SBOM          *vigil.SBOM
	Discrepancies []*vigil.StoredDiscrepancy
	FieldNames    []string
	Facts         []*vigil.Fact
	History       []vigil.DeviceVersion
	Audit         []*vigil.AuditEvent
	Checks        []compliance.DeviceResult // the enabled checks the device fails, or could not be judged by
	ChecksOther   []compliance.DeviceResult // the checks it passes or that do not apply
	Evidence      []evidenceRow             // the newest version of each piece naming this device
	Oversight     deviceOversight           // its MDS2 form and vendors
	GUDID         *vigil.GUDIDDevice        // the FDA GUDID record of its UDI's DI, reference data
	PeerDevs      map[int64]deviceRef       // the inventory's devices among its peers, in context
}

func (s *Server) devicePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.devices.FindDeviceByID(r.Context(), id)
	if err != nil {
		return err
	}
	facts, err := s.devices.DeviceFacts(r.Context(), id)
	if err != nil {
		return err
	}
	hist, err := s.db.DeviceHistory(r.Context(), id)
	if err != nil {
		return err
	}
	audit, err := s.audit.FindAuditEvents(r.Context(), vigil.AuditFilter{ObjectType: "device", ObjectID: strconv.FormatInt(id, 10), Limit: 50})
	if err != nil {
		return err
	}
	names, err := s.siteNames(r)
	if err != nil {
		return err
	}
	place, err := s.sitePath(r, d.PlaceID)
	if err != nil {
		return err
	}
	prov, err := s.inv.Provenance(r.Context(), id)
	if err != nil {
		return err
	}
	disc, err := s.db.FindDiscrepancies(r.Context(), vigil.DiscrepancyFilter{DeviceID: id, All: true})
	if err != nil {
		return err
	}
	nv, err := s.db.FindNetworkView(r.Context(), d)
	if err != nil {
		return err
	}
	peers, err := s.nameDevices(r, len(nv.Peers), func(i int) (int64, string) { return nv.Peers[i].DeviceID, nv.Peers[i].IP })
	if err != nil {
		return err
	}
	as, err := s.exp.AssessRisk(r.Context(), vigil.RiskFilter{DeviceID: id})
	if err != nil {
		return err
	}
	var ra *risk.Assessment
	if len(as) > 0 {
		ra = &as[0]
	}
	sb, err := s.db.FindSBOM(r.Context(), d)
	if err != nil {
		return err
	}
	results, err := s.comp.DeviceChecks(r.Context(), id)
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND { // a removed device is checked no more
		return err
	}
	failed := sortResults(results)
	evs, err := s.db.FindEvidence(r.Context(), vigil.EvidenceFilter{DeviceID: id, Limit: 100})
	if err != nil {
		return err
	}
	ov, err := s.deviceOversight(r, d)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "device", &devicePage{PeerDevs: peers, Oversight: ov, Checks: results[:failed], ChecksOther: results[failed:], pageBase: pageBase{Title: d.Label(), Nav: "devices"}, Device: d, SiteName: names[d.SiteID], Place: place, FDAClass: s.inv.FDAClass(d.DeviceType),
		Provenance: prov, Network: nv, Risk: ra, SBOM: sb, Discrepancies: disc, FieldNames: vigil.Fields, Facts: facts, History: hist, Audit: audit, Evidence: newEvidenceRows(evs, s.db.Now()),
		GUDID: s.gudidOf(r.Context(), prov)})
	return nil
}

// sortResults puts failures and errors first, keeping the checks' order
// otherwise, and counts them.
func sortResults(rs []compliance.DeviceResult) int {
	bad := func(r compliance.DeviceResult) bool {
		return r.Status == checks.StatusFail || r.Status == checks.StatusError
	}
	slices.SortStableFunc(rs, func(a, b compliance.DeviceResult) int {
		switch {
		case bad(a) && !bad(b):
			return -1
		case bad(b) && !bad(a):
			return 1
		}
		return 0
	})
	n := 0
	for _, r := range rs {
		if bad(r) {
			n++
		}
	}
	return n
}

func (s *Server) setDeviceField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	field, value := r.PostFormValue("field"), r.PostFormValue("value")
	if err := s.inv.SetField(r.Context(), userFrom(r.Context()), id, field, value); err != nil {
		return err
	}
	kind, name := flashFieldSet, "device "+strconv.FormatInt(id, 10)
	if strings.TrimSpace(value) == "" {
		kind = flashFieldCleared
	}
	if d, err := s.devices.FindDeviceByID(r.Context(), id); err == nil {
		name = d.Label()
	}
	s.redirectFlash(w, r, "/devices/"+strconv.FormatInt(id, 10), kind, nil, fieldTitle(field), name)
	return nil
}

// sitePath names a site by its path below its hospital, e.g. "Main Tower
// › 3 › Surgical Services › OR 11"; "" for 0.
func (s *Server) sitePath(r *http.Request, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	sites, err := s.sites.FindSites(r.Context())
	if err != nil {
		return "", err
	}
	byID := make(map[int64]*vigil.Site, len(sites))
	for _, st := range sites {
		byID[st.ID] = st
	}
	var parts []string
	for st := byID[id]; st != nil && st.Kind != vigil.SiteHospital && len(parts) < 8; st = byID[st.ParentID] {
		parts = append([]string{st.Name}, parts...)
	}
	return strings.Join(parts, " › "), nil
}

// pathDevice returns the live or removed device the path's {id} names.
func (s *Server) pathDevice(r *http.Request) (*vigil.Device, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.devices.FindDeviceByID(r.Context(), id)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "no such device")
	}
	return id, nil
}
