package web

import (
	"net/http"
	"slices"

	vigil "github.com/vigil-health/vigil"
)

type advisoryPage struct {
	pageBase
	Advisory *vigil.Advisory
	// Named are the devices the advisory's own products cover, Exposed
	// those other evidence (CPE, SBOM, CVE records) ties to its CVEs; each
	// device once, with its CVEs by status.
	Named, Exposed []advisoryDevice
	// Fixed are the devices every one of whose matches is fixed or not
	// affected: counted, listed behind a disclosure.
	Fixed []advisoryDevice
}

// advisoryDevice is one device on an advisory's page with the advisory's
// CVEs it is open to and those it has fixed.
type advisoryDevice struct {
	Device      *vigil.Device
	Open, Fixed []string // vulnerability ids: affected or under investigation; fixed or not affected
}

func (s *Server) advisoryPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.FindAdvisory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rows, err := s.findMatchRows(r, vigil.MatchFilter{AdvisoryID: a.ID})
	if err != nil {
		return err
	}
	p := &advisoryPage{pageBase: pageBase{Title: a.ID, Nav: "advisories"}, Advisory: a}
	p.Named, p.Exposed, p.Fixed = groupAdvisoryMatches(a.ID, rows)
	s.render(w, r, http.StatusOK, "advisory", p)
	return nil
}

// groupAdvisoryMatches folds an advisory's matches to one row per device:
// a device with an open match goes to named (when a match came from the
// advisory's own products) or exposed, one with none open to fixed.
func groupAdvisoryMatches(advisory string, rows []matchRow) (named, exposed, fixed []advisoryDevice) {
	type acc struct {
		advisoryDevice
		direct bool
	}
	byID := map[int64]*acc{}
	var order []int64
	for _, m := range rows {
		a := byID[m.DeviceID]
		if a == nil {
			a = &acc{advisoryDevice: advisoryDevice{Device: m.Device}}
			byID[m.DeviceID] = a
			order = append(order, m.DeviceID)
		}
		switch m.Status {
		case vigil.StatusFixed, vigil.StatusNotAffected:
			a.Fixed = append(a.Fixed, m.VulnID)
		default:
			a.Open = append(a.Open, m.VulnID)
		}
		a.direct = a.direct || (m.Basis == vigil.BasisCSAFProduct && m.AdvisoryID == advisory)
	}
	for _, id := range order {
		a := byID[id]
		slices.Sort(a.Open)
		slices.Sort(a.Fixed)
		switch {
		case len(a.Open) == 0:
			fixed = append(fixed, a.advisoryDevice)
		case a.direct:
			named = append(named, a.advisoryDevice)
		default:
			exposed = append(exposed, a.advisoryDevice)
		}
	}
	return named, exposed, fixed
}
