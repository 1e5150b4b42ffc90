package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

// apiDocsPage is the API page (/docs/api): every endpoint by area with the
// access it needs, how a script gets its first token, and a link to the
// OpenAPI document. Both come from the route table and apiDocs, so the
// page lists what the server serves.
type apiDocsPage struct {
	pageBase
	Groups   []apiGroup
	MaxLimit int
	// MaxDays is the longest a token may last.
	MaxDays int
}

func (s *Server) apiDocsPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "apidocs", &apiDocsPage{pageBase: pageBase{Title: "API", Nav: "api"}, Groups: s.documentedRoutes(),
		MaxLimit: maxLimit, MaxDays: days(vigil.MaxTokenTTL)})
	return nil
}
