package telegram

import (
	"context"
	"hash/maphash"
	"sync"
)

// chatQueue runs jobs one at a time per chat and in parallel across
// chats: a chat always lands on the same worker, so its updates are
// handled in arrival order.
type chatQueue struct {
	shards []chan func()
	wg     sync.WaitGroup
	seed   maphash.Seed
	once   sync.Once
}

// shardDepth is how many jobs may wait on one worker before Submit blocks.
const shardDepth = 256

func newChatQueue(workers int) *chatQueue {
	q := &chatQueue{shards: make([]chan func(), workers), seed: maphash.MakeSeed()}
	for i := range q.shards {
		ch := make(chan func(), shardDepth)
		q.shards[i] = ch
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			for job := range ch {
				job()
			}
		}()
	}
	return q
}

// Submit queues job behind the earlier jobs of chatID. It blocks while
// that worker's queue is full, and gives up when ctx ends.
func (q *chatQueue) Submit(ctx context.Context, chatID int64, job func()) bool {
	var h maphash.Hash
	h.SetSeed(q.seed)
	var b [8]byte
	for i := range b {
		b[i] = byte(chatID >> (8 * i))
	}
	h.Write(b[:])
	ch := q.shards[h.Sum64()%uint64(len(q.shards))]
	select {
	case ch <- job:
		return true
	case <-ctx.Done():
		return false
	}
}

// Close stops accepting jobs and waits until every queued job has run or
// ctx ends. Submit must not be called after Close.
func (q *chatQueue) Close(ctx context.Context) error {
	q.once.Do(func() {
		for _, ch := range q.shards {
			close(ch)
		}
	})
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
