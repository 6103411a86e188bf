package wechat

import (
	"github.com/silenceper/wechat/v2/util"
)

// WeChat's wire formats, as far as the adapter uses them. The SDK has
// types for them too, but its message and basic packages link a Redis v8
// and a memcache client in through its token cache; the adapter imports
// only the SDK's util (signature, safe-mode crypto, error answers).

// push is a message or event WeChat pushes (XML).
type push struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"` // the user's openid
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	MsgID        int64  `xml:"MsgId"`
	Content      string `xml:"Content"`
	MenuID       int64  `xml:"bizmsgmenuid"` // the chosen msgmenu item
	MediaID      string `xml:"MediaId"`
	Recognition  string `xml:"Recognition"` // voice recognition, when the account has it
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
}

// envelope is a safe-mode push: the push encrypted.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
}

// Push types and events the bot uses.
const (
	typeText         = "text"
	typeVoice        = "voice"
	typeEvent        = "event"
	eventSubscribe   = "subscribe"
	eventUnsubscribe = "unsubscribe"
	eventScan        = "SCAN"
	eventClick       = "CLICK"
)

// customMessage is a customer-service message (客服消息).
type customMessage struct {
	ToUser  string    `json:"touser"`
	MsgType string    `json:"msgtype"` // "text" or "msgmenu"
	Text    *textBody `json:"text,omitempty"`
	Menu    *menuBody `json:"msgmenu,omitempty"`
}

type textBody struct {
	Content string `json:"content"`
}

// menuBody is a choice menu: a chosen item comes back as a text push
// with the item's content and its id in bizmsgmenuid, which WeChat sends
// as a number, so ids are numbers.
type menuBody struct {
	Head  string     `json:"head_content"`
	Items []menuItem `json:"list"`
	Tail  string     `json:"tail_content"`
}

type menuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// templateMessage is a template message (模板消息).
type templateMessage struct {
	ToUser     string                   `json:"touser"`
	TemplateID string                   `json:"template_id"`
	Data       map[string]templateValue `json:"data"`
}

type templateValue struct {
	Value string `json:"value"`
}

// qrRequest asks for a parametric QR code.
type qrRequest struct {
	ExpireSeconds int64  `json:"expire_seconds,omitempty"`
	ActionName    string `json:"action_name"` // QR_STR_SCENE (temporary) or QR_LIMIT_STR_SCENE
	ActionInfo    struct {
		Scene struct {
			SceneStr string `json:"scene_str"`
		} `json:"scene"`
	} `json:"action_info"`
}

// qrTicket answers qrRequest.
type qrTicket struct {
	util.CommonError
	Ticket        string `json:"ticket"`
	ExpireSeconds int64  `json:"expire_seconds"`
	URL           string `json:"url"`
}

// okAnswer is an answer with nothing but the error fields.
type okAnswer struct {
	util.CommonError
}
