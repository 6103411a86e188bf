package store

import "strconv"

// Every Redis key Duijie uses is built here. Keys share a prefix ("dj" by
// default) so one Redis can hold several deployments or test runs.

const (
	// DefaultPrefix starts every key unless Options.Prefix says otherwise.
	DefaultPrefix = "dj"
)

type keys struct{ prefix string }

// user is a hash of one Telegram user's settings and identity.
func (k keys) user(id int64) string { return k.prefix + ":user:" + strconv.FormatInt(id, 10) }

// userProfiles is a set of the ids of profiles a user owns.
func (k keys) userProfiles(id int64) string {
	return k.prefix + ":user:" + strconv.FormatInt(id, 10) + ":profiles"
}

// session holds a chat's dialog state as JSON, with SessionTTL.
func (k keys) session(chatID int64) string {
	return k.prefix + ":session:" + strconv.FormatInt(chatID, 10)
}

// profile holds one profile as JSON.
func (k keys) profile(id string) string { return k.prefix + ":profile:" + id }

// profiles is a set of every profile id.
func (k keys) profiles() string { return k.prefix + ":profiles" }

// profileSeq is the counter behind ids of profiles created in chat.
func (k keys) profileSeq() string { return k.prefix + ":seq:profile" }

// update marks a Telegram update id as seen, with UpdateTTL.
func (k keys) update(id int64) string { return k.prefix + ":update:" + strconv.FormatInt(id, 10) }

// changes is a stream of profile changes (field "id", field "op"), read by
// every process that keeps a match index.
func (k keys) changes() string { return k.prefix + ":changes" }
