package wxfake

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PushTimeout is how long WeChat waits for a bot's answer to a push;
// without one it retries, three times at most.
const (
	PushTimeout = 5 * time.Second
	PushRetries = 3
)

// Message is a user's message or event as WeChat pushes it.
type Message struct {
	From        string // the user's openid
	Type        string // "text", "voice", "event"; "text" when empty
	Content     string // text
	MenuID      string // bizmsgmenuid when the text is a menu choice
	Recognition string // voice: WeChat's recognition result, if the account has it
	MediaID     string // voice
	Event       string // event: "subscribe", "SCAN", "CLICK", "unsubscribe"
	EventKey    string // event: QR scene (with "qrscene_" on subscribe) or menu key
	Ticket      string // event: QR ticket
	MsgID       int64  // set by Deliver for non-events
	CreateTime  int64  // set by Deliver
}

// Delivery is one push and what the bot answered.
type Delivery struct {
	Msg      Message
	Status   int    // HTTP status of the last attempt; 0 if it failed
	Body     string // the bot's answer
	Attempts int
	Err      error // of the last attempt
	raw      []byte
}

// Text pushes a text message from openid.
func (s *Server) Text(endpoint, openid, text string) Delivery {
	return s.Deliver(endpoint, Message{From: openid, Content: text})
}

// Scan pushes the event of openid scanning a QR ticket: "SCAN" for a
// follower, else "subscribe" with the "qrscene_" key prefix.
func (s *Server) Scan(endpoint, openid, ticket string, follower bool) Delivery {
	scene, ok := s.Scene(ticket)
	if !ok {
		s.tb.Fatalf("wxfake: unknown ticket %q", ticket)
	}
	m := Message{From: openid, Type: "event", Event: "SCAN", EventKey: scene, Ticket: ticket}
	if !follower {
		m.Event, m.EventKey = "subscribe", "qrscene_"+scene
	}
	return s.Deliver(endpoint, m)
}

// Deliver pushes m once, as WeChat's first attempt, opening the user's
// customer-service window as the interaction does.
func (s *Server) Deliver(endpoint string, m Message) Delivery {
	s.mu.Lock()
	if m.Type == "" {
		m.Type = "text"
	}
	m.CreateTime = s.now.Unix()
	if m.Type != "event" && m.MsgID == 0 {
		s.nextMsgID++
		m.MsgID = s.nextMsgID
	}
	switch {
	case m.Type != "event":
		s.interact(m.From, messageWindow, messageQuota)
	case m.Event == "subscribe" || m.Event == "SCAN" || m.Event == "CLICK":
		s.interact(m.From, eventWindow, eventQuota)
	}
	s.mu.Unlock()
	d := Delivery{Msg: m, raw: m.xml()}
	return s.attempt(endpoint, d, false)
}

// Redeliver pushes d's message again, as WeChat's retry does: the same
// XML (and MsgId), a new timestamp and nonce.
func (s *Server) Redeliver(endpoint string, d Delivery) Delivery {
	return s.attempt(endpoint, d, false)
}

// DeliverRetrying pushes m like WeChat: again while the bot fails to
// answer 200 within PushTimeout, up to PushRetries more times.
func (s *Server) DeliverRetrying(endpoint string, m Message) Delivery {
	d := s.Deliver(endpoint, m)
	for i := 0; i < PushRetries && (d.Err != nil || d.Status != http.StatusOK); i++ {
		d = s.Redeliver(endpoint, d)
	}
	return d
}

// Tampered pushes m with a wrong signature, as a forger would.
func (s *Server) Tampered(endpoint string, m Message) Delivery {
	if m.Type == "" {
		m.Type = "text"
	}
	return s.attempt(endpoint, Delivery{Msg: m, raw: m.xml()}, true)
}

// attempt signs (and encrypts) d's XML and POSTs it.
func (s *Server) attempt(endpoint string, d Delivery, forge bool) Delivery {
	ts := strconv.FormatInt(s.Now().Unix(), 10)
	nonce := strconv.FormatUint(uint64(randUint32()), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "openid": {d.Msg.From},
		"signature": {Sign(Token, ts, nonce)}}
	body := d.raw
	if s.Safe {
		enc, err := Encrypt(AESKey, AppID, d.raw)
		if err != nil {
			s.tb.Fatalf("wxfake: encrypt: %v", err)
		}
		body = fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", AccountID, enc)
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", Sign(Token, ts, nonce, enc))
	}
	if forge {
		q.Set("signature", Sign("not-the-token", ts, nonce))
		if s.Safe {
			q.Set("msg_signature", Sign("not-the-token", ts, nonce))
		}
	}
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	c := &http.Client{Timeout: PushTimeout}
	d.Status, d.Body, d.Err = post(c, endpoint+sep+q.Encode(), body)
	d.Attempts++
	return d
}

// Verify sends WeChat's GET that checks a server URL when it is
// configured, and returns the status and the answer (the echostr on
// success).
func (s *Server) Verify(endpoint string, forge bool) (int, string, error) {
	ts := strconv.FormatInt(s.Now().Unix(), 10)
	nonce, echo := "1234567", "echo-"+strconv.FormatUint(uint64(randUint32()), 10)
	tok := Token
	if forge {
		tok = "not-the-token"
	}
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "echostr": {echo}, "signature": {Sign(tok, ts, nonce)}}
	resp, err := (&http.Client{Timeout: PushTimeout}).Get(endpoint + "?" + q.Encode())
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode == http.StatusOK && b.String() != echo {
		return resp.StatusCode, b.String(), fmt.Errorf("answer %q, want echostr %q", b.String(), echo)
	}
	return resp.StatusCode, b.String(), nil
}

// cdata is text written as CDATA, as WeChat writes strings.
type cdata string

func (c cdata) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		S string `xml:",cdata"`
	}{string(c)}, start)
}

// xml renders m as WeChat's push XML.
func (m Message) xml() []byte {
	type push struct {
		XMLName      xml.Name `xml:"xml"`
		ToUserName   cdata
		FromUserName cdata
		CreateTime   int64
		MsgType      cdata
		Content      cdata  `xml:",omitempty"`
		MenuID       string `xml:"bizmsgmenuid,omitempty"`
		MediaID      cdata  `xml:"MediaId,omitempty"`
		Format       cdata  `xml:",omitempty"`
		Recognition  cdata  `xml:",omitempty"`
		Event        cdata  `xml:",omitempty"`
		EventKey     cdata  `xml:",omitempty"`
		Ticket       cdata  `xml:",omitempty"`
		MsgID        int64  `xml:"MsgId,omitempty"`
	}
	p := push{ToUserName: AccountID, FromUserName: cdata(m.From), CreateTime: m.CreateTime, MsgType: cdata(m.Type),
		Content: cdata(m.Content), MenuID: m.MenuID, MediaID: cdata(m.MediaID), Recognition: cdata(m.Recognition),
		Event: cdata(m.Event), EventKey: cdata(m.EventKey), Ticket: cdata(m.Ticket), MsgID: m.MsgID}
	if m.Type == "voice" {
		p.Format = "amr"
	}
	b, err := xml.Marshal(p)
	if err != nil {
		panic(err) // static types: cannot fail
	}
	return b
}

// Sign is WeChat's signature: the SHA-1 of the sorted, concatenated parts
// (token, timestamp, nonce and, in safe mode, the ciphertext), in hex.
func Sign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	h := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(h[:])
}

// Encrypt is WeChat's safe-mode encryption: AES-256-CBC with the key
// base64(aesKey+"="), the IV its first 16 bytes, over random(16) ‖
// len(msg) as 4 bytes big-endian ‖ msg ‖ appID, padded PKCS#7 to 32
// bytes; the result in base64.
func Encrypt(aesKey, appID string, msg []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return "", fmt.Errorf("bad AES key")
	}
	var plain bytes.Buffer
	rnd := make([]byte, 16)
	rand.Read(rnd)
	plain.Write(rnd)
	binary.Write(&plain, binary.BigEndian, uint32(len(msg)))
	plain.Write(msg)
	plain.WriteString(appID)
	pad := 32 - plain.Len()%32
	plain.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	out := make([]byte, plain.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain.Bytes())
	return base64.StdEncoding.EncodeToString(out), nil
}

// Decrypt undoes Encrypt and checks the app id.
func Decrypt(aesKey, appID, enc string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("bad AES key")
	}
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("bad ciphertext")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, fmt.Errorf("bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, fmt.Errorf("short plaintext")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if 20+n > len(plain) {
		return nil, fmt.Errorf("bad length")
	}
	if string(plain[20+n:]) != appID {
		return nil, fmt.Errorf("app id mismatch")
	}
	return plain[20 : 20+n], nil
}

func randUint32() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}
