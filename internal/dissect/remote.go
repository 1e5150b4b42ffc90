package dissect

import (
	"bytes"
	"encoding/binary"
)

// Remote is a clear-text management or remote-access protocol recognised
// from the first bytes of one direction of a TCP stream. User names and
// passwords are never kept: only the fact that they were sent.
type Remote struct {
	Protocol  App  // AppTelnet, AppFTP, AppVNC, AppRDP, AppTeamViewer or AppSSH; AppUnknown if none
	ClearText bool // sessions and credentials travel unencrypted (Telnet, FTP, VNC)
	// Weak is set when only a short magic matched (TeamViewer): confirm with
	// the port (5938) or with more packets before reporting it.
	Weak bool

	Banner  string // FTP 220 text or SSH software/comment, printable, at most 128 bytes
	Version string // SSH protocol version ("2.0") or RFB version ("003.008")

	UserSeen     bool   // FTP USER command sent
	PasswordSeen bool   // FTP PASS command sent: a clear-text password on the wire
	AuthTLS      bool   // FTP AUTH TLS/SSL requested (explicit FTPS)
	RDPCookie    bool   // RDP "Cookie: mstshash=" present (it names the user; not kept)
	RDPProtocols uint32 // RDP negotiation requested protocols: 0 standard RDP security, 1 TLS, 2 CredSSP, 8 RDSTLS
	RDPNegotiate bool   // an RDP negotiation request was present
}

// remoteMaxBanner bounds the banner text kept.
const remoteMaxBanner = 128

// SniffRemote recognises Telnet (IAC option negotiation), FTP (a 220 banner
// or client commands, scanning b for USER and PASS), VNC (RFB version), RDP
// (TPKT + X.224 connection request), SSH (identification string) and
// TeamViewer (magic bytes, weak) at the start of b. It returns the zero
// Remote when none matches.
func SniffRemote(b []byte) Remote {
	switch {
	case len(b) >= 3 && b[0] == 0xff && b[1] >= 0xfa && b[1] <= 0xfe:
		return Remote{Protocol: AppTelnet, ClearText: true}
	case bytes.HasPrefix(b, []byte("SSH-")):
		return sniffSSH(b)
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RFB 0")) && b[11] == '\n':
		return Remote{Protocol: AppVNC, ClearText: true, Version: printable(b[4:11])}
	case len(b) >= 11 && b[0] == 0x03 && b[1] == 0x00:
		if r, ok := sniffRDP(b); ok {
			return r
		}
	case len(b) >= 4 && (bytes.HasPrefix(b, []byte("220 ")) || bytes.HasPrefix(b, []byte("220-"))):
		line, _ := cutLine(b)
		if containsFold(string(line), "smtp") {
			return Remote{} // a mail server greets with 220 too
		}
		return Remote{Protocol: AppFTP, ClearText: true, Banner: banner(line[4:])}
	case isFTPCommand(b):
		return scanFTPClient(b)
	case len(b) >= 2 && (b[0] == 0x17 && b[1] == 0x24 || b[0] == 0x11 && b[1] == 0x30):
		return Remote{Protocol: AppTeamViewer, Weak: true}
	}
	return Remote{}
}

func sniffSSH(b []byte) Remote {
	line, _ := cutLine(b)
	// SSH-protoversion-softwareversion SP comments
	rest := line[4:]
	v, sw, ok := bytes.Cut(rest, []byte("-"))
	if !ok || len(v) == 0 {
		return Remote{}
	}
	return Remote{Protocol: AppSSH, Version: printable(v), Banner: banner(sw)}
}

// sniffRDP checks for a TPKT header (version 3) carrying an X.224
// Connection Request, and reads its cookie and negotiation request.
func sniffRDP(b []byte) (Remote, bool) {
	n := int(binary.BigEndian.Uint16(b[2:4]))
	li := int(b[4])
	if n < 11 || li < 6 || b[5]&0xf0 != 0xe0 || 5+li > n {
		return Remote{}, false
	}
	r := Remote{Protocol: AppRDP}
	tpdu := b[11:min(len(b), n)] // after the fixed X.224 CR header
	if bytes.HasPrefix(tpdu, []byte("Cookie: mstshash=")) {
		r.RDPCookie = true
	}
	if i := bytes.Index(tpdu, []byte("\r\n")); i >= 0 {
		tpdu = tpdu[i+2:]
	} else if r.RDPCookie || bytes.HasPrefix(tpdu, []byte("Cookie:")) {
		tpdu = nil
	}
	if len(tpdu) >= 8 && tpdu[0] == 0x01 { // TYPE_RDP_NEG_REQ
		r.RDPNegotiate = true
		r.RDPProtocols = binary.LittleEndian.Uint32(tpdu[4:8])
	}
	return r, true
}

// ftpCommands are client commands that open an FTP control connection.
var ftpCommands = []string{"USER ", "AUTH ", "FEAT\r", "SYST\r", "OPTS ", "PASS ", "USER\r"}

func isFTPCommand(b []byte) bool {
	for _, c := range ftpCommands {
		if hasPrefixFold(b, c) {
			return true
		}
	}
	return false
}

// scanFTPClient notes USER, PASS and AUTH commands in a client direction,
// keeping none of their arguments.
func scanFTPClient(b []byte) Remote {
	r := Remote{Protocol: AppFTP, ClearText: true}
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		switch {
		case hasPrefixFold(line, "USER "):
			r.UserSeen = true
		case hasPrefixFold(line, "PASS "):
			r.PasswordSeen = true
		case hasPrefixFold(line, "AUTH TLS"), hasPrefixFold(line, "AUTH SSL"):
			r.AuthTLS = true
			r.ClearText = false
			return r // what follows is encrypted
		}
	}
	return r
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && bytes.EqualFold(b[:len(p)], []byte(p))
}

// banner returns trimmed printable text of at most remoteMaxBanner bytes.
func banner(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > remoteMaxBanner {
		b = b[:remoteMaxBanner]
	}
	return printable(b)
}
