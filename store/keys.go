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

// cursor holds the change-stream position a named reader reached
// (the new-match watcher), so the reader resumes there after a restart.
func (k keys) cursor(name string) string { return k.prefix + ":cursor:" + name }

// llmAnalysis caches a model's validated analysis of a text, with
// LLMCacheTTL. hash identifies the text as sent (see prompts).
func (k keys) llmAnalysis(model, version, hash string) string {
	return k.prefix + ":llm:analysis:" + model + ":" + version + ":" + hash
}

// llmCalls counts the model calls of one UTC day, with llmCallsTTL. The
// day is a hash tag, so the user counters of that day share its slot.
func (k keys) llmCalls(day string) string { return k.prefix + ":llm:calls:{" + day + "}" }

// llmUserCalls counts one user's model calls of one UTC day, with llmCallsTTL.
func (k keys) llmUserCalls(day, user string) string {
	return k.prefix + ":llm:calls:{" + day + "}:user:" + user
}

// introID maps an introduction's short id (used in buttons) to its pair key.
func (k keys) introID(id string) string { return k.prefix + ":intro:id:" + id }

// intro is the hash of the introduction between two profiles, whichever
// asked first; a and b are the two profile ids in sorted order.
func (k keys) intro(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return k.prefix + ":intro:{" + a + "|" + b + "}"
}

// owedIntros is a sorted set of the pair keys of introductions that may
// owe messages (field "owed" of the pair's hash), scored by the time of
// the change (unix ms). It is written before the change, so it lists
// every introduction that owes; entries that owe nothing are dropped.
func (k keys) owedIntros() string { return k.prefix + ":intro:owed" }

// profileIntros is a set of the pair keys of a profile's introductions.
func (k keys) profileIntros(id string) string { return k.prefix + ":profile:" + id + ":intros" }

// counter is a named event count (intros requested, connections…), in
// total and per UTC day ("" for the total).
func (k keys) counter(name, day string) string {
	if day == "" {
		return k.prefix + ":count:" + name
	}
	return k.prefix + ":count:" + name + ":" + day
}

// inbox is the stream of Telegram updates received by webhook for one
// shard of chats. The shard number is a hash tag: the stream and its
// seen-markers share a Cluster slot.
func (k keys) inbox(shard int) string { return k.prefix + ":inbox:{" + strconv.Itoa(shard) + "}" }

// inboxSeen marks an update id as received on a shard, with UpdateTTL.
func (k keys) inboxSeen(shard int, updateID int64) string {
	return k.inbox(shard) + ":seen:" + strconv.FormatInt(updateID, 10)
}

// lease names the holder of an exclusive role (a shard's consumer, the
// long poller), with a TTL the holder renews.
func (k keys) lease(name string) string { return k.prefix + ":lease:{" + name + "}" }

// users is a set of the ids of every user TouchUser has recorded.
func (k keys) users() string { return k.prefix + ":users" }

// Notification outbox. Every key of the outbox carries the hash tag
// {outbox}: the stream, its dead-letter stream and the per-pair keys are
// changed together by Lua scripts, so they share one Cluster slot.

// outbox is the stream of notifications waiting to be sent, read by the
// consumer group notifyGroup.
func (k keys) outbox() string { return k.prefix + ":notify:{outbox}" }

// outboxDead is the dead-letter stream: notifications given up on, with
// the reason, capped at deadMaxLen entries.
func (k keys) outboxDead() string { return k.outbox() + ":dead" }

// notifyPair is a hash with the state of the notification about key for
// recipient to ("queued", "sending", "sent") and its entry id, with
// NotifyDedupTTL. While it exists the same pair is not queued again.
func (k keys) notifyPair(to int64, key string) string {
	return k.outbox() + ":pair:" + strconv.FormatInt(to, 10) + ":" + key
}

// notifyLock names the consumer sending the notification about key to
// recipient to, for the lock TTL its caller gives.
func (k keys) notifyLock(to int64, key string) string {
	return k.outbox() + ":sending:" + strconv.FormatInt(to, 10) + ":" + key
}

// unreachable marks a chat where Telegram refused a message (403: the
// user blocked the bot, or it left the group), with the time of the
// refusal. It has no TTL: it goes when the chat writes to the bot.
func (k keys) unreachable(chatID int64) string {
	return k.prefix + ":unreachable:" + strconv.FormatInt(chatID, 10)
}

// matchToken maps a short token (carried by a match's buttons) to the
// pair "mine|theirs" of profile ids, with MatchTokenTTL.
func (k keys) matchToken(tok string) string { return k.prefix + ":mt:" + tok }

// matchTokenSeq is the counter behind match tokens.
func (k keys) matchTokenSeq() string { return k.prefix + ":seq:mt" }

// declined is a set of the counterpart ids a profile's owner marked not
// relevant; they never come back to that profile.
func (k keys) declined(profileID string) string {
	return k.prefix + ":profile:" + profileID + ":declined"
}

// feedback is a hash of "not relevant" feedback: field "<mine>|<theirs>",
// value the reason, for the ranking and for organizer reports.
func (k keys) feedback() string { return k.prefix + ":feedback" }

// dailyNotices counts the new-match notices a user got on one UTC day.
func (k keys) dailyNotices(user int64, day string) string {
	return k.prefix + ":notices:" + strconv.FormatInt(user, 10) + ":" + day
}

// digest is a list of a user's new-match notices waiting for the daily digest.
func (k keys) digest(user int64) string { return k.prefix + ":digest:" + strconv.FormatInt(user, 10) }

// digests is a set of the users with a waiting digest.
func (k keys) digests() string { return k.prefix + ":digests" }

// nudged marks that a profile's owner was asked "still looking?" for the
// profile as last updated at a given time.
func (k keys) nudged(profileID string, updated int64) string {
	return k.prefix + ":nudged:" + profileID + ":" + strconv.FormatInt(updated, 10)
}

// Claim codes of profiles without an owner (claim.go). The four hashes
// share the hash tag {claims}: a claim changes them together in Lua.

// claimCodes is a hash of the open claim codes: code → profile id.
func (k keys) claimCodes() string { return k.prefix + ":claim:{claims}:open" }

// claimOf is a hash of the open claim code of each profile: profile id → code.
func (k keys) claimOf() string { return k.prefix + ":claim:{claims}:of" }

// claimUsed is a hash of the claim codes used: code → profile id.
func (k keys) claimUsed() string { return k.prefix + ":claim:{claims}:used" }

// claimBy is a hash of who used each claim code: code → user id.
func (k keys) claimBy() string { return k.prefix + ":claim:{claims}:by" }

// Broker mode (broker.go): messages waiting for an organizer's approval.

// held is a hash of one held message (fields "state" and "data", the
// message as JSON), with HeldTTL.
func (k keys) held(id string) string { return k.prefix + ":held:{broker}:" + id }

// heldIDs is a set of the ids of held messages.
func (k keys) heldIDs() string { return k.prefix + ":held:{broker}" }

// heldSeq is the counter behind held messages' ids.
func (k keys) heldSeq() string { return k.prefix + ":seq:held" }

// rate is the token bucket of one sender (ratelimit.go), a hash with a TTL
// of the time it takes to fill up. One key per script: any Cluster slot.
func (k keys) rate(userKey string) string { return k.prefix + ":rate:" + userKey }

// Imports of organizers' lists (imports.go).

// contact holds the private contact (JSON) an imported list gave a profile.
func (k keys) contact(profileID string) string { return k.prefix + ":contact:" + profileID }

// imports is a list of the ids of applied imports, newest first.
func (k keys) imports() string { return k.prefix + ":imports" }

// importSeq is the counter behind import ids.
func (k keys) importSeq() string { return k.prefix + ":seq:import" }

// An import's keys share the hash tag {imp:<id>}, so one command can
// delete both on a Cluster.

// importMeta holds what an import did (JSON), with ImportUndoTTL.
func (k keys) importMeta(id string) string { return k.prefix + ":{imp:" + id + "}" }

// importUndo is a hash of what an import overwrote: profile id → the
// stored profile and contact before it (JSON), with ImportUndoTTL.
func (k keys) importUndo(id string) string { return k.prefix + ":{imp:" + id + "}:undo" }

// pendingImport holds a planned import waiting for the organizer's
// confirmation (JSON), with the TTL SavePendingImport is given.
func (k keys) pendingImport(id string) string { return k.prefix + ":import:pending:" + id }

// Events (events.go). An event's keys share the hash tag {ev:<tag>}.

// events is a set of every event tag seen: by a link, a profile or an import.
func (k keys) events() string { return k.prefix + ":events" }

// eventUsers is a set of the ids of users who arrived by an event's link.
func (k keys) eventUsers(tag string) string { return k.prefix + ":{ev:" + tag + "}:users" }

// eventProfiles is a set of the ids of profiles published by users who
// arrived by an event's link.
func (k keys) eventProfiles(tag string) string { return k.prefix + ":{ev:" + tag + "}:profiles" }

// userEvent holds the tag of the event by whose link a user last arrived.
func (k keys) userEvent(id int64) string {
	return k.prefix + ":user:" + strconv.FormatInt(id, 10) + ":event"
}

// WeChat (wechat.go). Every key carries the hash tag {wechat}: the Lua
// scripts that allocate ids and store pushes change several together.

// wechatInbox is the stream of WeChat pushes waiting to be handled.
func (k keys) wechatInbox() string { return k.prefix + ":wechat:{wechat}:inbox" }

// wechatSeen marks a push id as received, with UpdateTTL.
func (k keys) wechatSeen(id string) string { return k.wechatInbox() + ":seen:" + id }

// wechatIDs is a hash of the number of each openid: its user id is
// WeChatUserBase plus the number.
func (k keys) wechatIDs() string { return k.prefix + ":wechat:{wechat}:ids" }

// wechatOpenIDs is a hash of the openid of each number of wechatIDs.
func (k keys) wechatOpenIDs() string { return k.prefix + ":wechat:{wechat}:openids" }

// wechatSeq is the counter behind WeChat users' ids.
func (k keys) wechatSeq() string { return k.prefix + ":wechat:{wechat}:seq" }

// wechatLastSeen is a hash of the time (unix seconds) of each WeChat
// user's last message, which opens the customer-service window.
func (k keys) wechatLastSeen() string { return k.prefix + ":wechat:{wechat}:seen" }

// wechatChoices holds the button data of the options last shown to a
// WeChat user (a JSON list), which a typed number chooses, with SessionTTL.
func (k keys) wechatChoices(user int64) string {
	return k.prefix + ":wechat:{u" + strconv.FormatInt(user, 10) + "}:choices"
}

// wechatMenu is a hash of the button data of every menu item shown to a
// WeChat user, by item id, and the counter of ids (field "seq"), with
// SessionTTL. The user's keys share the hash tag of the user id: a
// script writes wechatMenu and wechatChoices together.
func (k keys) wechatMenu(user int64) string {
	return k.prefix + ":wechat:{u" + strconv.FormatInt(user, 10) + "}:menu"
}

// wechatWaiting is a list of the messages (JSON) a WeChat user could not
// be sent outside the customer-service window, delivered at their next
// message.
func (k keys) wechatWaiting(user int64) string {
	return k.prefix + ":wechat:waiting:" + strconv.FormatInt(user, 10)
}

// contactCard holds the contact a user chose to share with those they
// connect with (phone, WeChat id or e-mail).
func (k keys) contactCard(user int64) string {
	return k.prefix + ":user:" + strconv.FormatInt(user, 10) + ":card"
}

// contactAsk holds the button data of the action waiting for a user's
// contact card ("" for none) while the bot asks for it, with SessionTTL.
func (k keys) contactAsk(user int64) string {
	return k.prefix + ":user:" + strconv.FormatInt(user, 10) + ":card:ask"
}
