package discover

import (
	"net/netip"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
)

// flowKey folds the connections between a client and a server port.
type flowKey struct {
	client, server netip.Addr
	port           uint16
	proto          uint8
	vlan           uint16
	app            string
}

// tlsNamer is implemented by the TLS stream handler: the names its
// handshake gave the server.
type tlsNamer interface{ tlsNames() *flowNames }

// evicted accounts a flow leaving the table: the service its server
// answered on, the flow summary, and unanswered probes for scan detection.
func (e *engine) evicted(f *capture.Flow) {
	e.stats.Flows++
	client, server := f.Client, f.Server
	if !f.SawSYN && client.Port < 1024 && server.Port >= 1024 {
		// Picked up mid-conversation: the low port is the service.
		client, server = server, client
	}
	app := ""
	if n, ok := f.Handler.(appNamer); ok {
		app = n.app()
	}
	proto := "tcp"
	switch f.Key.Proto {
	case capture.ProtoUDP:
		proto = "udp"
		if app == "" {
			app = udpApp(server.Port, client.Port)
		}
	case capture.ProtoTCP:
	default:
		return
	}
	if !f.Answered || f.Refused {
		if c := e.hosts[f.Client.Addr]; c != nil && unicastSource(f.Server.Addr) {
			c.unansweredAdd(target{addr: f.Server.Addr, port: f.Server.Port})
		}
		return
	}
	if s := e.hosts[server.Addr]; s != nil {
		s.addService(server.Port, proto, app)
	}
	k := flowKey{client: client.Addr, server: server.Addr, port: server.Port, proto: f.Key.Proto, vlan: f.Key.VLAN, app: app}
	fs := e.flows[k]
	if fs == nil {
		if len(e.flows) >= e.opt.MaxFlowSummaries {
			e.stats.FlowsDropped++
			return
		}
		fs = &vigil.FlowSummary{
			Client: client.Addr.String(), Server: server.Addr.String(), Port: server.Port,
			Proto: proto, App: app, VLAN: int(f.Key.VLAN), FirstSeen: f.FirstSeen,
		}
		e.flows[k] = fs
	}
	if n, ok := f.Handler.(tlsNamer); ok && fs.ServerName == "" && fs.CertOrg == "" && len(fs.CertNames) == 0 {
		names := n.tlsNames()
		fs.ServerName, fs.CertOrg, fs.CertNames = names.serverName, names.certOrg, names.certNames
	}
	fs.Connections++
	fs.Packets += f.Packets[0] + f.Packets[1]
	fs.Bytes += f.Bytes[0] + f.Bytes[1]
	if f.FirstSeen.Before(fs.FirstSeen) {
		fs.FirstSeen = f.FirstSeen
	}
	if f.LastSeen.After(fs.LastSeen) {
		fs.LastSeen = f.LastSeen
	}
}
