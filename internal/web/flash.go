package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// After a form's POST succeeds, its handler redirects (303) to a page, which
// shows what was done once: "Acknowledged 12 discrepancies." The message
// travels in a short-lived cookie that names one of a fixed set of messages
// (flashTexts) and its counts and names, signed with a key bound to the
// session: a cookie from elsewhere, another session or an old one is
// ignored, and no text a request carries is ever shown but as a name in one
// of those sentences, escaped by the layout like any other text.

// flashCookie carries the message from the POST to the page it redirects to.
const flashCookie = "vigil_flash"

// flashTTL is how long a message waits for its page.
const flashTTL = time.Minute

// flashKind names a message of flashTexts.
type flashKind string

// The messages.
const (
	flashAcked          flashKind = "acked"           // N discrepancies
	flashDecidedSame    flashKind = "decided-same"    // N conflicts
	flashDecidedDiff    flashKind = "decided-diff"    // N conflicts
	flashSourceRole     flashKind = "source-role"     // source, role
	flashPrecedence     flashKind = "precedence"      // field
	flashFieldSet       flashKind = "field-set"       // field, device
	flashFieldCleared   flashKind = "field-cleared"   // field, device
	flashEvaluated      flashKind = "evaluated"       // framework or ""
	flashCheckSaved     flashKind = "check-saved"     // check
	flashCheckEnabled   flashKind = "check-enabled"   // check
	flashCheckDisabled  flashKind = "check-disabled"  // check
	flashAttested       flashKind = "attested"        // control
	flashEvidenceAdded  flashKind = "evidence-added"  // title, version
	flashEvidenceGone   flashKind = "evidence-gone"   // id
	flashPlanItem       flashKind = "plan-item"       // id
	flashMockAudit      flashKind = "mock-audit"      // framework
	flashVendorAdded    flashKind = "vendor-added"    // vendor
	flashVendorsIn      flashKind = "vendors-in"      // N added, M updated
	flashBAA            flashKind = "baa"             // vendor
	flashCertification  flashKind = "certification"   // vendor
	flashMDS2           flashKind = "mds2"            // manufacturer, model
	flashUserRole       flashKind = "user-role"       // user, role
	flashUserDisabled   flashKind = "user-disabled"   // user
	flashUserEnabled    flashKind = "user-enabled"    // user
	flashTokenRevoked   flashKind = "token-revoked"   //
	flashMFAReset       flashKind = "mfa-reset"       // user
	flashMFANone        flashKind = "mfa-none"        // user
	flashNothingChanged flashKind = "nothing-changed" //
)

// flash is one message: its kind, counts and names.
type flash struct {
	Kind  flashKind `json:"k"`
	N     []int     `json:"n,omitempty"`
	Names []string  `json:"s,omitempty"`
	At    int64     `json:"t"` // when it was set, Unix seconds
}

// flashTexts writes each message; a kind not here shows nothing.
var flashTexts = map[flashKind]func(n []int, s []string) string{
	flashAcked: func(n []int, _ []string) string {
		return fmt.Sprintf("Acknowledged %s.", plural(nth(n, 0), "discrepancy", "discrepancies"))
	},
	flashDecidedSame: func(n []int, _ []string) string {
		return fmt.Sprintf("Decided %s: the same device. The inventory was re-resolved.", plural(nth(n, 0), "conflict", "conflicts"))
	},
	flashDecidedDiff: func(n []int, _ []string) string {
		return fmt.Sprintf("Decided %s: different devices. The inventory was re-resolved.", plural(nth(n, 0), "conflict", "conflicts"))
	},
	flashSourceRole: func(_ []int, s []string) string {
		return fmt.Sprintf("Role of source %s set to %s. The inventory was re-resolved.", sth(s, 0), sth(s, 1))
	},
	flashPrecedence: func(_ []int, s []string) string {
		return fmt.Sprintf("Precedence for %s saved. The inventory was re-resolved.", sth(s, 0))
	},
	flashFieldSet: func(_ []int, s []string) string {
		return fmt.Sprintf("%s of %s set by hand.", sth(s, 0), sth(s, 1))
	},
	flashFieldCleared: func(_ []int, s []string) string {
		return fmt.Sprintf("The hand-set %s of %s was removed.", sth(s, 0), sth(s, 1))
	},
	flashEvaluated: func(_ []int, s []string) string {
		if sth(s, 0) == "" {
			return "Every framework was evaluated."
		}
		return fmt.Sprintf("%s was evaluated.", sth(s, 0))
	},
	flashCheckSaved:    func(_ []int, s []string) string { return fmt.Sprintf("Check %s saved.", sth(s, 0)) },
	flashCheckEnabled:  func(_ []int, s []string) string { return fmt.Sprintf("Check %s enabled.", sth(s, 0)) },
	flashCheckDisabled: func(_ []int, s []string) string { return fmt.Sprintf("Check %s disabled.", sth(s, 0)) },
	flashAttested:      func(_ []int, s []string) string { return fmt.Sprintf("Attestation of %s recorded.", sth(s, 0)) },
	flashEvidenceAdded: func(n []int, s []string) string {
		if v := nth(n, 0); v > 1 {
			return fmt.Sprintf("Version %d of %s added.", v, sth(s, 0))
		}
		return fmt.Sprintf("Evidence %s added.", sth(s, 0))
	},
	flashEvidenceGone: func(n []int, _ []string) string { return fmt.Sprintf("Evidence %d deleted.", nth(n, 0)) },
	flashPlanItem:     func(n []int, _ []string) string { return fmt.Sprintf("Plan item %d saved.", nth(n, 0)) },
	flashMockAudit:    func(_ []int, s []string) string { return fmt.Sprintf("Mock audit of %s run.", sth(s, 0)) },
	flashVendorAdded:  func(_ []int, s []string) string { return fmt.Sprintf("Vendor %s added.", sth(s, 0)) },
	flashVendorsIn: func(n []int, _ []string) string {
		return fmt.Sprintf("Vendor list imported: %d added, %d updated.", nth(n, 0), nth(n, 1))
	},
	flashBAA:           func(_ []int, s []string) string { return fmt.Sprintf("Agreement with %s recorded.", sth(s, 0)) },
	flashCertification: func(_ []int, s []string) string { return fmt.Sprintf("Certification of %s recorded.", sth(s, 0)) },
	flashMDS2: func(_ []int, s []string) string {
		return fmt.Sprintf("MDS2 form of %s %s imported.", sth(s, 0), sth(s, 1))
	},
	flashUserRole: func(_ []int, s []string) string {
		return fmt.Sprintf("Role of %s changed to %s.", sth(s, 0), sth(s, 1))
	},
	flashUserDisabled: func(_ []int, s []string) string {
		return fmt.Sprintf("%s disabled: their sessions ended and their tokens stopped.", sth(s, 0))
	},
	flashUserEnabled:  func(_ []int, s []string) string { return fmt.Sprintf("%s enabled.", sth(s, 0)) },
	flashTokenRevoked: func([]int, []string) string { return "Token revoked." },
	flashMFAReset: func(_ []int, s []string) string {
		return fmt.Sprintf("%s's second factor was reset: they sign in with their password and set up a new one.", sth(s, 0))
	},
	flashMFANone:        func(_ []int, s []string) string { return fmt.Sprintf("%s had no second factor.", sth(s, 0)) },
	flashNothingChanged: func([]int, []string) string { return "Nothing changed." },
}

// nth and sth are a message's i-th count and name, zero when it has none.
func nth(n []int, i int) int {
	if i < len(n) {
		return n[i]
	}
	return 0
}

func sth(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// plural is "1 thing" or "N things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Text is the message as the page shows it, "" for an unknown kind.
func (f flash) Text() string {
	if t := flashTexts[f.Kind]; t != nil {
		return t(f.N, f.Names)
	}
	return ""
}

// flashKey is the session's key for its messages. The CSRF token is a
// secret of the session that only its own pages carry.
func flashKey(sess *vigil.Session) []byte {
	m := hmac.New(sha256.New, []byte(sess.CSRFToken))
	m.Write([]byte("vigil flash message"))
	return m.Sum(nil)
}

// sealFlash encodes f and signs it for sess.
func sealFlash(sess *vigil.Session, f flash) string {
	b, _ := json.Marshal(f)
	body := base64.RawURLEncoding.EncodeToString(b)
	m := hmac.New(sha256.New, flashKey(sess))
	m.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// openFlash checks v's signature for sess and its age, and decodes it.
func openFlash(sess *vigil.Session, v string, now time.Time) (flash, bool) {
	var f flash
	body, sig, ok := strings.Cut(v, ".")
	if !ok {
		return f, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return f, false
	}
	m := hmac.New(sha256.New, flashKey(sess))
	m.Write([]byte(body))
	if !hmac.Equal(got, m.Sum(nil)) {
		return f, false
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return f, false
	}
	age := now.Sub(time.Unix(f.At, 0))
	return f, age >= -5*time.Second && age <= flashTTL
}

// redirectFlash answers a form's POST: a 303 to url, whose page shows the
// message of kind with its counts and names. Without a session (an API
// token posting a form) it only redirects.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, url string, kind flashKind, n []int, names ...string) {
	if sess := sessionFrom(r.Context()); sess != nil {
		v := sealFlash(sess, flash{Kind: kind, N: n, Names: names, At: time.Now().Unix()})
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v, Path: "/", MaxAge: int(flashTTL / time.Second),
			HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// takeFlash returns the message waiting for this page, if any, and clears
// it so that it shows once.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	sess := sessionFrom(r.Context())
	if sess == nil {
		return ""
	}
	f, ok := openFlash(sess, c.Value, time.Now())
	if !ok {
		return ""
	}
	return f.Text()
}
