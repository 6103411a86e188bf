package wechat

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/duijie/duijie/event"
)

// Event QR codes: a parametric QR code (带参数二维码) whose scene is
// "ev_<tag>", the payload of the event's Telegram link (event.Link). A
// user who scans it arrives as a KindFollow or KindScan message whose
// Scene EventTag reads.

// QR code limits of WeChat.
const (
	// MaxQRExpiry is the longest life of a temporary QR code.
	MaxQRExpiry = 30 * 24 * time.Hour
	eventScene  = event.Prefix
)

// QRCode is a created QR code.
type QRCode struct {
	Ticket  string
	URL     string    // what the code encodes
	Image   string    // where WeChat serves the code's picture
	Expires time.Time // zero for a permanent code
}

// QR creates the QR code of an event tag: temporary for expire (at most
// MaxQRExpiry), permanent when expire is 0 (WeChat allows 100,000 of those
// per account).
func (c *Client) QR(ctx context.Context, tag string, expire time.Duration) (QRCode, error) {
	scene := eventScene + tag
	if err := event.ValidTag(tag); err != nil {
		return QRCode{}, fmt.Errorf("qr code: %q: %w", tag, err)
	}
	if expire > MaxQRExpiry {
		return QRCode{}, fmt.Errorf("qr code: expiry %s beyond %s", expire, MaxQRExpiry)
	}
	req := qrRequest{ActionName: "QR_LIMIT_STR_SCENE"}
	if expire > 0 {
		req.ActionName, req.ExpireSeconds = "QR_STR_SCENE", int64(expire.Seconds())
	}
	req.ActionInfo.Scene.SceneStr = scene
	var t qrTicket
	if err := c.call(ctx, "qrcode create", "/cgi-bin/qrcode/create", nil, &req, &t); err != nil {
		return QRCode{}, fmt.Errorf("qr code %s: %w", tag, err)
	}
	q := QRCode{Ticket: t.Ticket, URL: t.URL,
		Image: "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=" + url.QueryEscape(t.Ticket)}
	if t.ExpireSeconds > 0 {
		q.Expires = c.cfg.Now().Add(time.Duration(t.ExpireSeconds) * time.Second)
	}
	return q, nil
}

// EventTag returns the event tag of a QR scene, false when the scene is
// not an event's.
func EventTag(scene string) (string, bool) {
	return event.ParsePayload(scene)
}
