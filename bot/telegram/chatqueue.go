package telegram

import (
	"context"
	"sync"
)

// chatQueue runs jobs one at a time per chat, in the order they were
// submitted, and up to a fixed number of chats at once. Submit never
// blocks: a chat holds at most chatDepth jobs, and a job beyond that is
// refused, so one chat flooding the bot fills only its own queue and the
// poller and every other chat go on.
type chatQueue struct {
	mu     sync.Mutex
	chats  map[int64][]func() // waiting jobs of each chat with a running drain
	closed bool
	slots  chan struct{} // one per chat being handled
	wg     sync.WaitGroup
}

// chatDepth is how many jobs one chat may have waiting.
const chatDepth = 32

func newChatQueue(workers int) *chatQueue {
	return &chatQueue{chats: map[int64][]func(){}, slots: make(chan struct{}, workers)}
}

// Submit queues job behind the earlier jobs of chatID. It reports false,
// without queueing, when the chat already has chatDepth jobs waiting or
// the queue is closed.
func (q *chatQueue) Submit(chatID int64, job func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	jobs, running := q.chats[chatID]
	if len(jobs) >= chatDepth {
		return false
	}
	q.chats[chatID] = append(jobs, job)
	if !running {
		q.wg.Add(1)
		go q.drain(chatID)
	}
	return true
}

// drain runs the jobs of one chat until none is left; the chat's entry
// goes with its last job, so idle chats take no memory.
func (q *chatQueue) drain(chatID int64) {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		jobs := q.chats[chatID]
		if len(jobs) == 0 {
			delete(q.chats, chatID)
			q.mu.Unlock()
			return
		}
		job := jobs[0]
		jobs[0] = nil
		q.chats[chatID] = jobs[1:]
		q.mu.Unlock()
		q.slots <- struct{}{}
		job()
		<-q.slots
	}
}

// Close stops accepting jobs and waits until every queued job has run or
// ctx ends.
func (q *chatQueue) Close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
