package web

import "net/http"

type accountPage struct {
	pageBase
	NewToken string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "account", &accountPage{pageBase: pageBase{Title: "Account", Nav: "account"}})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	secret, _, err := s.users.CreateAPIToken(r.Context(), userFrom(r.Context()), r.PostFormValue("name"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account", &accountPage{pageBase: pageBase{Title: "Account", Nav: "account"}, NewToken: secret})
	return nil
}
