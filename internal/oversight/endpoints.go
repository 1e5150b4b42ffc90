package oversight

import (
	"net/netip"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// endpointIndex holds every vendor endpoint parsed once.
type endpointIndex struct {
	eps []indexedEndpoint
}

type indexedEndpoint struct {
	vendor *vigil.Vendor
	ep     *vigil.VendorEndpoint
	prefix netip.Prefix // address endpoints
	key    string       // names lower-cased; organisations by VendorKey
}

func newEndpointIndex(vendors []*vigil.Vendor) *endpointIndex {
	x := &endpointIndex{}
	for _, v := range vendors {
		for i := range v.Endpoints {
			e := &v.Endpoints[i]
			ie := indexedEndpoint{vendor: v, ep: e}
			switch e.Kind {
			case vigil.EndpointAddress:
				p, err := netip.ParsePrefix(e.Value)
				if err != nil {
					a, aerr := netip.ParseAddr(e.Value)
					if aerr != nil {
						continue
					}
					p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
				}
				ie.prefix = p.Masked()
			case vigil.EndpointHost, vigil.EndpointTLSName:
				ie.key = normName(e.Value)
			case vigil.EndpointCertOrg:
				ie.key = vigil.VendorKey(e.Value)
			}
			x.eps = append(x.eps, ie)
		}
	}
	return x
}

// hasAddress reports whether an address endpoint contains a.
func (x *endpointIndex) hasAddress(a netip.Addr) bool {
	for i := range x.eps {
		if p := x.eps[i].prefix; p.IsValid() && p.Contains(a) {
			return true
		}
	}
	return false
}

// match returns the vendor and endpoint the peer of a flow is tied to, the
// most specific when several match (see Sessions), nil when none does.
// inbound says the peer is the flow's client: then only its address and
// DNS name can tie it, the TLS names and certificate being the server's.
func (x *endpointIndex) match(peer netip.Addr, f *vigil.FlowSummary, inbound bool) (*vigil.Vendor, *vigil.VendorEndpoint) {
	hostNames, tlsNames, org := []string{normName(f.ClientHost)}, []string(nil), ""
	if !inbound {
		hostNames = []string{normName(f.ServerHost), normName(f.ServerName)}
		tlsNames = []string{normName(f.ServerName)}
		for _, n := range f.CertNames {
			tlsNames = append(tlsNames, normName(n))
		}
		org = vigil.VendorKey(f.CertOrg)
	}
	best, score := -1, 0
	for i := range x.eps {
		e := &x.eps[i]
		s := 0
		switch e.ep.Kind {
		case vigil.EndpointAddress:
			if e.prefix.IsValid() && e.prefix.Contains(peer) {
				s = 500 + e.prefix.Bits()
			}
		case vigil.EndpointHost:
			s = nameScore(e.key, hostNames)
		case vigil.EndpointTLSName:
			s = nameScore(e.key, tlsNames)
		case vigil.EndpointCertOrg:
			if org != "" && org == e.key {
				s = 100
			}
		}
		if s > score || (s == score && s > 0 && best >= 0 && vigil.VendorKey(e.vendor.Name) < vigil.VendorKey(x.eps[best].vendor.Name)) {
			best, score = i, s
		}
	}
	if best < 0 {
		return nil, nil
	}
	return x.eps[best].vendor, x.eps[best].ep
}

// nameScore scores the best match of a name pattern against names
// (normalised by normName): 1000
// for an exact name, 300 plus the suffix's length for a wildcard ("*.x"
// matches every name under x, not x itself), 0 for none.
func nameScore(pattern string, names []string) int {
	best := 0
	suffix, wild := strings.CutPrefix(pattern, "*.")
	for _, n := range names {
		switch {
		case n == "":
		case !wild && n == pattern:
			return 1000
		case wild && len(n) > len(suffix) && n[len(n)-len(suffix)-1] == '.' && strings.HasSuffix(n, suffix):
			best = max(best, 300+len(suffix))
		}
	}
	return best
}

func normName(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".") }
