package checks

import (
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"

	vigil "github.com/vigil-health/vigil"
)

// Variables returns the names a check may read. A check's reads must name
// every variable its expressions use.
func Variables() []string {
	return []string{"device", "sources", "findings", "vulns", "flows", "remote", "policy", "now"}
}

// newEnv returns the CEL environment every check is compiled in: the
// subject's Go structs as native types (field names from their json tags),
// one variable per part of the subject, and Vigil's helper functions.
func newEnv() (*cel.Env, error) {
	obj := func(name string) *cel.Type { return cel.ObjectType("checks." + name) }
	return cel.NewEnv(append([]cel.EnvOption{
		ext.NativeTypes(
			reflect.TypeFor[Device](), reflect.TypeFor[Source](), reflect.TypeFor[Finding](),
			reflect.TypeFor[Vuln](), reflect.TypeFor[Flow](), reflect.TypeFor[RemoteAccess](),
			reflect.TypeFor[Policy](),
			ext.ParseStructTag("json"),
		),
		withObjects(),
		cel.Variable("device", obj("Device")),
		cel.Variable("sources", cel.ListType(obj("Source"))),
		cel.Variable("findings", cel.ListType(obj("Finding"))),
		cel.Variable("vulns", cel.ListType(obj("Vuln"))),
		cel.Variable("flows", cel.ListType(obj("Flow"))),
		cel.Variable("remote", obj("RemoteAccess")),
		cel.Variable("policy", obj("Policy")),
		cel.Variable("now", cel.TimestampType),
	}, functions()...)...)
}

// functions returns the CEL libraries and Vigil's helper functions.
func functions() []cel.EnvOption {
	return []cel.EnvOption{
		ext.Strings(),
		cel.Function("compareVersions",
			cel.Overload("compare_versions_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.IntType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					return types.Int(CompareVersions(string(a.(types.String)), string(b.(types.String))))
				}))),
		cel.Function("ssvcRank",
			cel.Overload("ssvc_rank_string", []*cel.Type{cel.StringType}, cel.IntType,
				cel.UnaryBinding(func(s ref.Val) ref.Val {
					return types.Int(vigil.SSVCDecision(s.(types.String)).Rank())
				}))),
		cel.Function("isSet",
			cel.MemberOverload("timestamp_is_set", []*cel.Type{cel.TimestampType}, cel.BoolType,
				cel.UnaryBinding(func(t ref.Val) ref.Val {
					// A zero time.Time reaches CEL as the Unix epoch.
					tt := t.(types.Timestamp).Time
					return types.Bool(!tt.IsZero() && tt.Unix() != 0)
				}))),
		cel.Function("addressIn",
			cel.Overload("address_in_string_list", []*cel.Type{cel.StringType, cel.ListType(cel.StringType)}, cel.BoolType,
				cel.BinaryBinding(func(addr, list ref.Val) ref.Val {
					var allowed []string
					for it := list.(traits.Lister).Iterator(); it.HasNext() == types.True; {
						if s, ok := it.Next().(types.String); ok {
							allowed = append(allowed, string(s))
						}
					}
					return types.Bool(AddressIn(string(addr.(types.String)), allowed))
				}))),
		cel.Function("days",
			cel.Overload("days_duration", []*cel.Type{cel.DurationType}, cel.IntType,
				cel.UnaryBinding(func(d ref.Val) ref.Val {
					return types.Int(d.(types.Duration).Duration.Hours() / 24)
				}))),
	}
}

// AddressIn reports whether addr is one of allowed or inside one of its
// CIDR ranges ("203.0.113.0/24", "2001:db8::/32"). Entries are compared as
// written, so a host name matches itself only.
func AddressIn(addr string, allowed []string) bool {
	var ip netip.Addr
	parsed := false
	for _, a := range allowed {
		if a == addr {
			return true
		}
		if !strings.Contains(a, "/") {
			continue
		}
		if !parsed {
			ip, _ = netip.ParseAddr(addr)
			ip, parsed = ip.Unmap(), true
		}
		if p, err := netip.ParsePrefix(a); err == nil && ip.IsValid() && p.Contains(ip) {
			return true
		}
	}
	return false
}

// CompareVersions compares two firmware or software versions segment by
// segment, numbers as numbers and other text as text ("4.10" > "4.9",
// "2.1b" > "2.1a", "v1.2" == "1.2"). It returns -1, 0 or +1. An empty
// version is older than any other.
func CompareVersions(a, b string) int {
	a = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(a)), "v")
	b = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(b)), "v")
	for a != "" || b != "" {
		var x, y string
		x, a = nextSegment(a)
		y, b = nextSegment(b)
		if c := compareSegment(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// nextSegment splits off the leading run of digits or of letters, skipping
// separators.
func nextSegment(s string) (seg, rest string) {
	s = strings.TrimLeft(s, ".-_+ ")
	if s == "" {
		return "", ""
	}
	digit := s[0] >= '0' && s[0] <= '9'
	i := 1
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') == digit && !strings.ContainsRune(".-_+ ", rune(s[i])) {
		i++
	}
	return s[:i], s[i:]
}

func compareSegment(x, y string) int {
	switch {
	case x == y:
		return 0
	case x == "":
		return -1
	case y == "":
		return 1
	}
	nx, ex := strconv.ParseUint(x, 10, 64)
	ny, ey := strconv.ParseUint(y, 10, 64)
	switch {
	case ex == nil && ey == nil:
		if nx < ny {
			return -1
		} else if nx > ny {
			return 1
		}
		return 0
	case ex == nil: // a number is newer than a letter suffix: 1.2.1 > 1.2.rc
		return 1
	case ey == nil:
		return -1
	}
	return strings.Compare(x, y)
}
