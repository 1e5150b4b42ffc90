package web

import (
	"net/http"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vendors"
)

// modelsPage is the model register: every model of the inventory with
// its vendors, MDS2 form and end-of-life dates, and the devices past end
// of support or of security patches.
type modelsPage struct {
	pageBase
	Models      []vendors.ModelStanding
	Unsupported []vendors.Unsupported
	// Ended, NoPatches and Unknown count the models in each state.
	Ended, NoPatches, Unknown int
}

func (s *Server) modelsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	models, err := s.vend.Models(ctx, time.Now())
	if err != nil {
		return err
	}
	unsupported, err := s.vend.Unsupported(ctx, nil)
	if err != nil {
		return err
	}
	p := &modelsPage{pageBase: pageBase{Title: "Models and end of support", Nav: "vendors"}, Models: models,
		Unsupported: unsupported}
	for _, m := range models {
		switch m.State {
		case vigil.SupportEnded:
			p.Ended++
		case vigil.SupportNoPatches:
			p.NoPatches++
		case vigil.SupportUnknown:
			p.Unknown++
		}
	}
	s.render(w, r, http.StatusOK, "models", p)
	return nil
}
