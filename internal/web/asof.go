package web

import (
	"net/http"
	"net/url"
	"sort"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// asOfParam reads ?as_of=: nil when absent, else the date (the end of that
// day) or RFC 3339 time it names.
func asOfParam(q url.Values) (*time.Time, error) {
	v := q.Get("as_of")
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.Parse("2006-01-02", v); err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "as_of must be a date (2006-01-02) or an RFC 3339 time")
		}
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return &t, nil
}

// asOfForm is the shared "as of" date picker of the list pages, and the
// banner shown when a date is chosen.
type asOfForm struct {
	Path  string      // the page the form asks again
	Date  string      // 2006-01-02, "" for now
	Time  string      // the instant shown in the banner
	Today string      // the page without as_of
	Keep  []hiddenArg // the page's other parameters, kept across a new date
}

// hiddenArg is a query parameter the form sends again unchanged.
type hiddenArg struct{ Name, Value string }

// newAsOfForm builds the picker of r's page as of at (nil: now). The page
// number is dropped: a new date starts the list again.
func newAsOfForm(r *http.Request, at *time.Time) asOfForm {
	f := asOfForm{Path: r.URL.Path}
	q := r.URL.Query()
	q.Del("as_of")
	q.Del("page")
	names := make([]string, 0, len(q))
	for n := range q {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range q[n] {
			f.Keep = append(f.Keep, hiddenArg{n, v})
		}
	}
	f.Today = f.Path
	if len(q) > 0 {
		f.Today += "?" + q.Encode()
	}
	if at != nil {
		f.Date = at.UTC().Format("2006-01-02")
		f.Time = at.UTC().Format("2006-01-02 15:04 UTC")
	}
	return f
}
