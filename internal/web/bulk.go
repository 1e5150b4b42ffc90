package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// Acting on many rows of a list at once (discrepancies, conflicts): each
// row has a checkbox tied to one form above the table, whose one note
// applies to every row checked. "Select all on this page" is a link that
// draws the page with every box checked: no script.

// listBack is the list r shows, to come back to after the form: its path
// and query, without the selection.
func listBack(r *http.Request) string {
	q := r.URL.Query()
	q.Del("select")
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}

// selectLinks are r's page with every row checked, and with none.
func selectLinks(r *http.Request) (all, none string) {
	q := r.URL.Query()
	q.Set("select", "page")
	all = r.URL.Path + "?" + q.Encode()
	return all, listBack(r)
}

// backTo is the list a form asked to come back to when it is the list at
// path (with any query), else path itself: a form never sends anyone
// elsewhere.
func backTo(v, path string) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Path != path || u.Opaque != "" {
		return path
	}
	q := u.Query()
	q.Del("select")
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// listRequest is r as if it asked for the list at back (a URL backTo
// returned), so that a refused form can draw the list it came from.
func listRequest(r *http.Request, back string) (*http.Request, error) {
	u, err := url.Parse(back)
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "the list to come back to is not a URL")
	}
	lr := r.Clone(r.Context())
	lr.Method, lr.URL, lr.RequestURI = http.MethodGet, u, u.RequestURI()
	return lr, nil
}

// pairValue and parsePair carry a conflict's two record keys in one
// checkbox's value; the keys are the sources' identifiers and may hold any
// character.
func pairValue(a, b string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(a)) + "." + base64.RawURLEncoding.EncodeToString([]byte(b))
}

func parsePair(v string) (a, b string, err error) {
	x, y, ok := strings.Cut(v, ".")
	ab, err1 := base64.RawURLEncoding.DecodeString(x)
	bb, err2 := base64.RawURLEncoding.DecodeString(y)
	if !ok || err1 != nil || err2 != nil {
		return "", "", vigil.Errorf(vigil.EINVALID, "a conflict checked is not one of the list's")
	}
	return string(ab), string(bb), nil
}
