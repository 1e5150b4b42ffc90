package mds2

import (
	"strconv"
	"strings"
)

// template2019 lists the question ids of the ANSI/NEMA HN 1-2019 form by
// section, as counted from a real filled form (see
// ../shared/reference/frameworks.md section 8): 15 DOC header items and
// 225 capability questions. "a-b" is a range of the last component.
const template2019 = `DOC 1-11 11.1-11.4
MPII 1 2 2.1-2.9 3 3.1-3.10
ALOF 1-2
AUDT 1 1.1-1.2 2 2.1-2.8 2.8.1-2.8.2 2.9-2.11 3 4 4.1 4.1.1 5 5.1-5.4 6 7 7.1 8
AUTH 1 1.1-1.3 2 3 4 5
CSUP 1 2 2.1-2.4 3 3.1-3.4 4 4.1-4.4 5 5.1-5.4 6 6.1-6.4 7 8 9 10 10.1 11 11.1-11.2
DIDT 1 1.1
DTBK 1-6
EMRG 1
IGAU 1-2
MLDP 1 2 2.1-2.8 3 4 5 5.1-5.2
NAUT 1 2 2.1 3
CONN 1 1.1 1.1.1-1.1.4 1.2 1.2.1-1.2.4 2-6 7 7.1 8
PAUT 1 1.1 2-13 14 14.1
PLOK 1-4
RDMP 1-4
SBOM 1 2 2.1-2.4 3 4
SAHD 1 2 3 3.1-3.2 4 5 5.1 6 6.1-6.2 7-13 14 14.1 15 16
SGUD 1 2 3 3.1 4
STCF 1 1.1-1.3 2 3 4
TXCF 1 2 2.1 3 4 5
TXIG 1-2
RMOT 1 1.1-1.3 2 3`

// Questions2019 returns the question ids of the 2019 form in its order.
func Questions2019() []string {
	var ids []string
	for _, line := range strings.Split(template2019, "\n") {
		f := strings.Fields(line)
		for _, tok := range f[1:] {
			lo, hi, isRange := strings.Cut(tok, "-")
			if !isRange {
				ids = append(ids, f[0]+"-"+tok)
				continue
			}
			stem, first := "", lo
			if k := strings.LastIndex(lo, "."); k >= 0 {
				stem, first = lo[:k+1], lo[k+1:]
			}
			a, _ := strconv.Atoi(first)
			b, _ := strconv.Atoi(hi[strings.LastIndex(hi, ".")+1:])
			for n := a; n <= b; n++ {
				ids = append(ids, f[0]+"-"+stem+strconv.Itoa(n))
			}
		}
	}
	return ids
}
