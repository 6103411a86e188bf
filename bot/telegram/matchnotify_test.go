package telegram

// TestNewMatchNotices: the owner of an offer hears of a new need that
// matches it, once per need, within the daily cap, and not at all after
