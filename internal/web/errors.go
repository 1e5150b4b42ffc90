package web

import (
	"encoding/json"
	"net/http"
	"reflect"

	vigil "github.com/vigil-health/vigil"
)

// handler is an HTTP handler that returns an error instead of writing one.
type handler func(w http.ResponseWriter, r *http.Request) error

// statusOf maps application error codes to HTTP statuses: the one table.
var statusOf = map[string]int{
	vigil.EINVALID:      http.StatusBadRequest,
	vigil.ENOTFOUND:     http.StatusNotFound,
	vigil.ECONFLICT:     http.StatusConflict,
	vigil.EUNAUTHORIZED: http.StatusUnauthorized,
	vigil.EFORBIDDEN:    http.StatusForbidden,
	vigil.ERATELIMIT:    http.StatusTooManyRequests,
	vigil.EUNAVAILABLE:  http.StatusServiceUnavailable,
	vigil.EINTERNAL:     http.StatusInternalServerError,
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, h handler) {
	if err := h(w, r); err != nil {
		s.fail(w, r, err)
	}
}

// fail writes err as a response: JSON for the API, a page otherwise. Only
// the user-safe message is shown; the cause of a 5xx is logged without the
// request's query or body.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := vigil.ErrorCode(err)
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	msg := vigil.ErrorMessage(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		if code == vigil.EINTERNAL {
			msg = "internal error"
		}
	}
	if isAPI(r) || r.Header.Get("Authorization") != "" {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return
	}
	s.render(w, r, status, "error", &errorPage{Status: status, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(inSeconds(v)) // times to the second (api_times.go)
}

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return vigil.Errorf(vigil.EINVALID, "the request body is not valid JSON for this call")
	}
	return checkDecoded(reflect.ValueOf(v))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type errorPage struct {
	pageBase
	Status  int
	Message string
}
