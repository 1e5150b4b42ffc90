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

// DurationText is how long the session lasted, to the second.
func (r sessionRow) DurationText() string { return r.Duration().Round(time.Second).String() }

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

// sessionQuery reads the filters the page and the API take: ?vendor= (an
// id, a name or "unknown"), ?device= (an inventory id) and ?at= (a date,
// read at the end of that day, or an RFC 3339 time).
func sessionQuery(r *http.Request) (vendors.SessionFilter, error) {
	q := r.URL.Query()
	f := vendors.SessionFilter{Vendor: q.Get("vendor")}
	if d := q.Get("device"); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil || id <= 0 {
			return f, vigil.Errorf(vigil.EINVALID, "device must be an inventory id")
		}
		f.DeviceID = id
	}
	if a := q.Get("at"); a != "" {
		t, err := parseDay("date", a)
		if err != nil {
			return f, err
		}
		if len(a) == len(dateLayout) {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		f.At = t
	}
	return f, nil
}

// vendorSessionsPage lists the vendor remote sessions discovery recorded
// and the findings about them.
func (s *Server) vendorSessionsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := sessionQuery(r)
	if err != nil {
		return err
	}
	rep, err := s.vend.SessionReport(r.Context(), f)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	p := &vendorSessionsPage{pageBase: pageBase{Title: "Vendor remote sessions", Nav: "vendors"},
		Vendor: v.Get("vendor"), Device: v.Get("device"), At: v.Get("at")}
	p.Filtered = p.Vendor != "" || p.Device != "" || p.At != ""
	if p.Vendor == oversight.Unknown {
		p.VendorName = oversight.Unknown
	} else if p.Vendor != "" {
		found, err := s.vend.Find(r.Context(), p.Vendor)
		if err != nil {
			return err
		}
		p.VendorName = found.Name
	}
	for _, x := range rep.Sessions {
		p.Sessions = append(p.Sessions, sessionRow{Session: x, VendorURL: idURL("/vendors/", x.VendorID), DeviceURL: idURL("/devices/", x.DeviceID)})
	}
	for _, f := range rep.Findings {
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

// apiVendorSessions lists the vendor remote sessions and the findings
// about them, {"sessions":[...],"findings":[...]}: ?vendor= (id, name or
// "unknown"), ?device= (id), ?at= (date).
func (s *Server) apiVendorSessions(w http.ResponseWriter, r *http.Request) error {
	f, err := sessionQuery(r)
	if err != nil {
		return err
	}
	p, err := readRows[oversight.Session](r, maxLimit, nil)
	if err != nil {
		return err
	}
	rep, err := s.vend.SessionReport(r.Context(), f)
	if err != nil {
		return err
	}
	// The sessions are the list (and "sessions" as before); the findings
	// about them come whole beside it.
	writeRows(w, "sessions", rep.Sessions, p, nil, map[string]any{"findings": nonNil(rep.Findings)})
	return nil
}
