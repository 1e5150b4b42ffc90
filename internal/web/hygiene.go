package web

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// Input hygiene: text that reaches the store must be valid UTF-8 without
// NUL bytes. PostgreSQL refuses either (a 500 from deep inside a query),
// and no person types them. One check at the edge answers 400 instead, for
// the path, every query parameter, every form field and every JSON string.

// cleanText reports whether s is valid UTF-8 without a NUL byte.
func cleanText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

func errDirty(what string) error {
	return vigil.Errorf(vigil.EINVALID, "%s holds a NUL byte or text that is not UTF-8", what)
}

// checkValues refuses a name or value that is not clean text.
func checkValues(kind string, vs url.Values) error {
	for k, list := range vs {
		if !cleanText(k) {
			return errDirty("a " + kind + " name")
		}
		for _, v := range list {
			if !cleanText(v) {
				return errDirty("the " + kind + " " + strconvQuote(k))
			}
		}
	}
	return nil
}

// strconvQuote quotes a parameter name for a message, shortened.
func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + s + `"`
}

// checkURL checks the path and the query.
func checkURL(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return errDirty("the path")
	}
	return checkValues("query parameter", r.URL.Query())
}

// checkForm checks the fields of a form body (URL-encoded or multipart),
// parsing it as the handlers would, a multipart body under the default
// limits (checkFormLimits).
func checkForm(r *http.Request) error { return checkFormLimits(r, bound.Limits{}) }

// The bounds of a multipart form beyond its file.
const (
	// formAllowance is what a multipart body may hold past l.FileBytes:
	// the other fields, the parts' headers and boundaries.
	formAllowance = 1 << 20
	// formMemory is how much of a multipart form is held in memory; the
	// rest of a file goes to a temporary file, removed after the request.
	formMemory = 32 << 20
	// maxFormParts is how many parts (fields and files) a form may have:
	// Go's own bound (GODEBUG multipartmaxparts), said in the error.
	maxFormParts = 1000
)

// checkFormLimits is checkForm holding a multipart body to l.FileBytes
// and formAllowance as it is read (a body that says it is larger is
// refused before it is read), and to maxFormParts parts, with 10 MiB of
// field values: a form of a million tiny fields is refused at the
// thousandth, whatever the size of the body.
func checkFormLimits(r *http.Request, l bound.Limits) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return vigil.Errorf(vigil.EINVALID, "the form is malformed")
		}
		return checkValues("form field", r.PostForm)
	case "multipart/form-data":
		if r.MultipartForm == nil {
			l = l.OrDefault()
			max := l.FileBytes + formAllowance
			if r.ContentLength > max {
				return errFormSize(l)
			}
			r.Body = http.MaxBytesReader(nil, r.Body, max)
			if err := r.ParseMultipartForm(formMemory); err != nil {
				return formError(err, l)
			}
		}
		if err := checkValues("form field", url.Values(r.MultipartForm.Value)); err != nil {
			return err
		}
		// An uploaded file's name is stored with it (evidence, imports'
		// provenance): held to the same rule.
		for field, files := range r.MultipartForm.File {
			if !cleanText(field) {
				return errDirty("a form field's name")
			}
			for _, f := range files {
				if !cleanText(f.Filename) {
					return errDirty("an uploaded file's name")
				}
			}
		}
	}
	return nil
}

// errFormSize is the error of a multipart body over its limit.
func errFormSize(l bound.Limits) error {
	return bound.Over("the upload", "", bound.LimitFileBytes, l.FileBytes, "a form of more than %s and 1 MiB of fields")
}

// formError is the error of a multipart form that could not be read.
func formError(err error, l bound.Limits) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return errFormSize(l)
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return vigil.Errorf(vigil.EINVALID, "the form is too large: more than %d parts (fields and files), or more than 10 MiB of fields", maxFormParts)
	}
	return vigil.Errorf(vigil.EINVALID, "the form is malformed")
}

// checkDecoded refuses a decoded JSON value holding a string that is not
// clean text (JSON may spell a NUL as \u0000).
func checkDecoded(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		if !cleanText(v.String()) {
			return errDirty("a JSON string")
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkDecoded(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := checkDecoded(v.Field(i)); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkDecoded(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := checkDecoded(it.Key()); err != nil {
				return err
			}
			if err := checkDecoded(it.Value()); err != nil {
				return err
			}
		}
	}
	return nil
}
