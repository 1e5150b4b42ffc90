package web

import (
	"net/http"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/vendors"
)

// sessionRow is a vendor remote session as the page lists it.
type sessionRow struct {
	oversight.Session
	VendorURL, DeviceURL string
}

// sessionFindingRow is a finding about a session, with its links.
type sessionFindingRow struct {
	oversight.SessionFinding
	VendorURL, DeviceURL string
}

type vendorSessionsPage struct {
	pageBase
	Sessions []sessionRow
	Findings []sessionFindingRow
	// Vendor, Device and At are the filters as given; VendorName the
	// vendor they name.
	Vendor, Device, At string
	VendorName         string
	Filtered           bool // some filter is set
}

// sessionQuery is what the page and the API read from ?vendor= (an id, a
// name or "unknown"), ?device= (an inventory id) and ?at= (a date, the end
// of that day, or an RFC 3339 time).
type sessionQuery struct {
	filter   vendors.SessionFilter
	vendorID int64 // -1 every vendor
	name     string
}

func (s *Server) sessionQuery(r *http.Request) (*sessionQuery, error) {
	q := r.URL.Query()
	out := &sessionQuery{filter: vendors.SessionFilter{Vendor: q.Get("vendor")}, vendorID: -1}
	switch v := out.filter.Vendor; v {
	case "":
	case oversight.Unknown:
		out.vendorID, out.name = 0, oversight.Unknown
	default:
		found, err := s.vend.Find(r.Context(), v)
		if err != nil {
			return nil, err
		}
		out.vendorID, out.name = found.ID, found.Name
		out.filter.Vendor = strconv.FormatInt(found.ID, 10)
	}
	if d := q.Get("device"); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil || id <= 0 {
			return nil, vigil.Errorf(vigil.EINVALID, "device must be an inventory id")
		}
		out.filter.DeviceID = id
	}
	if a := q.Get("at"); a != "" {
		t, err := parseDay("date", a)
		if err != nil {
			return nil, err
		}
		if len(a) == len(dateLayout) {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		out.filter.At = t
	}
	return out, nil
}

// sessions returns the filtered sessions and the findings about them.
func (s *Server) sessions(r *http.Request, q *sessionQuery) ([]oversight.Session, []oversight.SessionFinding, error) {
	ss, err := s.vend.Sessions(r.Context(), q.filter)
	if err != nil {
		return nil, nil, err
	}
	all, err := s.vend.SessionFindings(r.Context(), q.filter.At)
	if err != nil {
		return nil, nil, err
	}
	fs := []oversight.SessionFinding{}
	for _, f := range all {
		if (q.vendorID < 0 || f.VendorID == q.vendorID) && (q.filter.DeviceID == 0 || f.DeviceID == q.filter.DeviceID) {
			fs = append(fs, f)
		}
	}
	return ss, fs, nil
}

// vendorSessionsPage lists the vendor remote sessions discovery recorded
// and the findings about them.
func (s *Server) vendorSessionsPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.sessionQuery(r)
	if err != nil {
		return err
	}
	ss, fs, err := s.sessions(r, q)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	p := &vendorSessionsPage{pageBase: pageBase{Title: "Vendor remote sessions", Nav: "vendors"},
		Vendor: v.Get("vendor"), Device: v.Get("device"), At: v.Get("at"), VendorName: q.name}
	p.Filtered = p.Vendor != "" || p.Device != "" || p.At != ""
	for _, x := range ss {
		p.Sessions = append(p.Sessions, sessionRow{Session: x, VendorURL: idURL("/vendors/", x.VendorID), DeviceURL: idURL("/devices/", x.DeviceID)})
	}
	for _, f := range fs {
		p.Findings = append(p.Findings, sessionFindingRow{SessionFinding: f, VendorURL: idURL("/vendors/", f.VendorID), DeviceURL: idURL("/devices/", f.DeviceID)})
	}
	s.render(w, r, http.StatusOK, "vendor_sessions", p)
	return nil
}

// idURL is prefix+id, or "" when id is 0.
func idURL(prefix string, id int64) string {
	if id == 0 {
		return ""
	}
	return prefix + strconv.FormatInt(id, 10)
}

// vendorSessionsJSON is the API's answer.
type vendorSessionsJSON struct {
	Sessions []oversight.Session        `json:"sessions"`
	Findings []oversight.SessionFinding `json:"findings"`
}

// apiVendorSessions lists the vendor remote sessions and the findings
// about them: ?vendor= (id, name or "unknown"), ?device= (id), ?at= (date).
func (s *Server) apiVendorSessions(w http.ResponseWriter, r *http.Request) error {
	q, err := s.sessionQuery(r)
	if err != nil {
		return err
	}
	ss, fs, err := s.sessions(r, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, vendorSessionsJSON{Sessions: ss, Findings: fs})
	return nil
}
