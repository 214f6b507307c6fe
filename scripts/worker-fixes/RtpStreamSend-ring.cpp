// Spliced into mediasoup 3.8.4's worker/src/RTC/RtpStreamSend.cpp by scripts/worker-fixes/retransmission.mjs,
// in place of StorePacket(), ClearBuffer() and UpdateBufferStartIdx(). Not compiled on its own.

	// stagecast back-port: the retransmission buffer bounded by age, the idea of upstream mediasoup
	// PR #840 (3.10.1) and its follow-ups #1023 (3.11.14), #1028 (3.11.15) and #1041 (3.11.20), written
	// anew for 3.8.4. 3.8.4 gave every stream with NACK a 65,536-entry pointer table and 600 packet
	// slots of MTU size, allocated and zeroed up front: ~1.5 MB per video consumer before any packet,
	// ~1.9 MB once media flows, whatever the bitrate. Now:
	// - a ring of RingSize pointers indexed by the low bits of the sequence number, allocated when the
	//   first packet is stored; a slot is returned only if its item's sequence number is the one asked
	//   for, so a NACK is never answered with another packet that shares the slot;
	// - items (one packet's bytes each, parsed into an RtpPacket only when a NACK asks for it) come
	//   from a pool filled as packets need them and go back to it when their packet leaves; at most
	//   MaxSpareItems wait there, the others are freed;
	// - a packet leaves once it is more than MaxRetransmissionDelay ms older, by RTP timestamp, than
	//   the newest one stored (3.8.4 refuses a NACK for it anyway), or when the packet RingSize numbers
	//   newer needs its slot: past RingSize packets per MaxRetransmissionDelay (~5 Mbps of 1,200-byte
	//   packets), the oldest go first and a NACK reaches the last RingSize packets (3.8.4: 600).
	// Pause() (ClearBuffer()) frees all of it.
	static constexpr uint16_t RingSize{ 1024u };
	static constexpr size_t MaxSpareItems{ 32u };

	static_assert((RingSize & (RingSize - 1u)) == 0u, "RingSize must be a power of 2");

	static inline size_t slotOf(uint16_t seq)
	{
		return seq & (RingSize - 1u);
	}

	// Whether a packet with this timestamp is too old to be retransmitted, next to the newest one.
	// A timestamp ahead of the newest one (reordering, or a new source's jump back) is not old.
	static inline bool isTooOld(uint32_t timestamp, uint32_t newestTimestamp, uint32_t clockRate)
	{
		const uint32_t diffTs = newestTimestamp - timestamp;

		if (diffTs == 0u || diffTs > 0x7FFFFFFFu || clockRate == 0u)
			return false;

		return uint64_t{ diffTs } * 1000u / clockRate > MaxRetransmissionDelay;
	}

	// stagecast: the stored packet as an RtpPacket, parsed from its bytes the first time it is asked
	// for, with the extension ids the original had; null if the bytes do not parse.
	static RTC::RtpPacket* storedPacket(RTC::RtpStreamSend::StorageItem* storageItem)
	{
		if (!storageItem->packet)
		{
			storageItem->packet = RTC::RtpPacket::Parse(storageItem->store, storageItem->size);

			if (storageItem->packet)
				storageItem->packet->SetExtensionIds(storageItem->extensionIds);
		}

		return storageItem->packet;
	}

	void RtpStreamSend::StorePacket(RTC::RtpPacket* packet)
	{
		MS_TRACE();

		if (packet->GetSize() > RTC::MtuSize)
		{
			MS_WARN_TAG(
			  rtp,
			  "packet too big [ssrc:%" PRIu32 ", seq:%" PRIu16 ", size:%zu]",
			  packet->GetSsrc(),
			  packet->GetSequenceNumber(),
			  packet->GetSize());

			return;
		}

		if (this->ring.empty())
			this->ring.assign(RingSize, nullptr);

		const uint16_t seq = packet->GetSequenceNumber();

		if (this->storedCount == 0u)
		{
			this->oldestSeq = seq;
			this->newestSeq = seq;
		}
		else if (RTC::SeqManager<uint16_t>::IsSeqHigherThan(seq, this->newestSeq))
		{
			// A jump past the ring's reach: nothing stored can be asked for any more.
			if (static_cast<uint16_t>(seq - this->newestSeq) >= RingSize)
				ReleaseStored();

			this->newestSeq = seq;

			if (this->storedCount == 0u)
				this->oldestSeq = seq;

			// The oldest packets leave until the ring spans seq.
			while (this->storedCount > 0u && static_cast<uint16_t>(seq - this->oldestSeq) >= RingSize)
				ReleaseOldest();
		}
		else if (seq == this->maxSeq && seq != this->newestSeq)
		{
			// RtpStream re-synced to a number behind ours (the sender restarted its numbering): what
			// is stored belongs to the numbering before. Start afresh (upstream #1041 does too).
			ReleaseStored();

			this->oldestSeq = seq;
			this->newestSeq = seq;
		}
		else
		{
			// The newest again, or an older one (reordered): kept if the ring still reaches it.
			if (static_cast<uint16_t>(this->newestSeq - seq) >= RingSize)
				return;

			if (RTC::SeqManager<uint16_t>::IsSeqLowerThan(seq, this->oldestSeq))
				this->oldestSeq = seq;
		}

		auto*& slot = this->ring[slotOf(seq)];

		if (slot && slot->seq == seq)
		{
			// Same sequence number and timestamp: a duplicate, keep the first one. Otherwise the
			// number was reused: the new packet replaces the old one (as 3.8.4 did).
			if (slot->timestamp == packet->GetTimestamp())
				return;

			resetStorageItem(slot);
		}
		else
		{
			// The window is narrower than the ring, so the slot is free; never overwrite blindly.
			if (slot)
			{
				GiveBackItem(slot);
				--this->storedCount;
			}

			slot      = TakeItem();
			slot->seq = seq;
			++this->storedCount;
		}

		// Copy the packet's bytes into the item's memory: no RtpPacket until a NACK asks (storedPacket()).
		std::memcpy(slot->store, packet->GetData(), packet->GetSize());
		slot->size         = static_cast<uint16_t>(packet->GetSize());
		slot->timestamp    = packet->GetTimestamp();
		slot->extensionIds = packet->GetExtensionIds();

		// The age bound, from the oldest packet on (the newest one always stays; usually the one just stored).
		const auto* newest = seq == this->newestSeq ? slot : GetStoredItem(this->newestSeq);

		if (!newest)
			return;

		const uint32_t newestTimestamp = newest->timestamp;

		while (this->oldestSeq != this->newestSeq)
		{
			const auto* oldest = GetStoredItem(this->oldestSeq);

			if (
			  oldest &&
			  !isTooOld(oldest->timestamp, newestTimestamp, this->params.clockRate))
			{
				break;
			}

			ReleaseOldest();
		}
	}

	void RtpStreamSend::ClearBuffer()
	{
		MS_TRACE();

		// Everything goes, the ring and the pool too: a paused stream holds no packet memory.
		ReleaseStored();

		for (auto* storageItem : this->spareItems)
		{
			delete storageItem;
		}

		std::vector<StorageItem*>().swap(this->spareItems);
		std::vector<StorageItem*>().swap(this->ring);
	}

	// Inline: called a few times for every packet stored, from this file only.
	inline RtpStreamSend::StorageItem* RtpStreamSend::GetStoredItem(uint16_t seq) const
	{
		if (this->storedCount == 0u)
			return nullptr;

		auto* storageItem = this->ring[slotOf(seq)];

		// The slot may hold the packet RingSize (or a multiple) numbers away: never return that one.
		if (!storageItem || storageItem->seq != seq)
			return nullptr;

		return storageItem;
	}

	// Releases the packet at oldestSeq and moves oldestSeq to the next stored one (to newestSeq
	// when none is left).
	void RtpStreamSend::ReleaseOldest()
	{
		auto*& slot = this->ring[slotOf(this->oldestSeq)];

		if (slot && slot->seq == this->oldestSeq)
		{
			GiveBackItem(slot);
			slot = nullptr;
			--this->storedCount;
		}

		if (this->storedCount == 0u)
		{
			this->oldestSeq = this->newestSeq;

			return;
		}

		for (uint16_t step{ 0u }; step < RingSize; ++step)
		{
			++this->oldestSeq;

			if (GetStoredItem(this->oldestSeq))
				return;
		}

		// Unreachable: every stored packet is within RingSize of oldestSeq.
		MS_ERROR("stored packets outside the ring window, clearing them");

		ReleaseStored();

		this->oldestSeq = this->newestSeq;
	}

	void RtpStreamSend::ReleaseStored()
	{
		for (auto& slot : this->ring)
		{
			if (slot)
			{
				GiveBackItem(slot);
				slot = nullptr;
			}
		}

		this->storedCount = 0u;
	}

	RtpStreamSend::StorageItem* RtpStreamSend::TakeItem()
	{
		if (!this->spareItems.empty())
		{
			auto* storageItem = this->spareItems.back();

			this->spareItems.pop_back();

			return storageItem;
		}

		// Default-initialised: the packet memory is written by StorePacket(), never read before.
		return new StorageItem;
	}

	void RtpStreamSend::GiveBackItem(StorageItem* storageItem)
	{
		// Frees the cloned packet and resets the retransmission counters.
		resetStorageItem(storageItem);

		if (this->spareItems.size() < MaxSpareItems)
			this->spareItems.push_back(storageItem);
		else
			delete storageItem;
	}
