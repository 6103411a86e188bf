package telegram

import (
	"testing"

	"github.com/go-telegram/bot/models"
)

// TestPrivateChat: messages and presses from groups and channels are told
// apart from private chats, so the engine refuses them.
func TestPrivateChat(t *testing.T) {
	msg := func(typ models.ChatType) *models.Message {
		return &models.Message{Chat: models.Chat{ID: 5, Type: typ}, From: &models.User{ID: 7}}
	}
	tests := []struct {
		u    *models.Update
		want bool
	}{
		{&models.Update{Message: msg(models.ChatTypePrivate)}, true},
		{&models.Update{Message: msg(models.ChatTypeGroup)}, false},
		{&models.Update{Message: msg(models.ChatTypeSupergroup)}, false},
		{&models.Update{CallbackQuery: &models.CallbackQuery{Message: models.MaybeInaccessibleMessage{Message: msg(models.ChatTypeGroup)}}}, false},
		{&models.Update{CallbackQuery: &models.CallbackQuery{Message: models.MaybeInaccessibleMessage{Message: msg(models.ChatTypePrivate)}}}, true},
	}
	for i, tt := range tests {
		if got := privateChat(tt.u); got != tt.want {
			t.Errorf("%d: privateChat = %v, want %v", i, got, tt.want)
		}
	}
}
