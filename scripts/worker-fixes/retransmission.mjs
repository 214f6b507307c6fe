// The retransmission buffer of mediasoup 3.8.4's RtpStreamSend (a consumer's outgoing stream),
// replaced by a ring indexed by sequence number and a pool bounded by age: memory per video consumer
// follows what 2 s of its stream needs instead of ~1.9 MB for every one. Part of the worker build's
// source fixes (scripts/worker-fixes.mjs, same entry format); the new functions are in
// RtpStreamSend-ring.cpp beside this file, with the reasons and upstream references in comments.
import fs from 'node:fs';

const HEADER = 'include/RTC/RtpStreamSend.hpp';
const SOURCE = 'src/RTC/RtpStreamSend.cpp';
const UPSTREAM = 'idea of mediasoup PR #840 (3.10.1), follow-ups #1023, #1028, #1041; our own code';

/** RtpStreamSend-ring.cpp without its leading note (the part after the first blank line). */
function ringSource() {
  const text = fs.readFileSync(new URL('./RtpStreamSend-ring.cpp', import.meta.url), 'utf8');
  return text.slice(text.indexOf('\n\n') + 2);
}

export const RETRANSMISSION_FIXES = [
  {
    why: 'retransmission: a stored packet remembers the sequence number it was stored under',
    upstream: UPSTREAM,
    file: HEADER,
    find: `\t\t\t// Whether the packet has been already RTX encoded.
\t\t\tbool rtxEncoded{ false };
`,
    replace: `\t\t\t// Whether the packet has been already RTX encoded.
\t\t\tbool rtxEncoded{ false };
\t\t\t// stagecast back-port (retransmission ring): the sequence number the packet was stored
\t\t\t// under. A lookup returns the item only if it matches; RTX encoding rewrites the packet's
\t\t\t// own. (Last, so that \`store\` stays where it was, aligned for the RTP header.)
\t\t\tuint16_t seq{ 0u };
\t\t\t// stagecast (retransmission ring): storing copies the packet's bytes into \`store\` and
\t\t\t// nothing else; \`packet\` is parsed from them when a NACK first asks for it (a clone cost an
\t\t\t// RtpPacket and its extension maps from the heap for every packet of every consumer). What
\t\t\t// that needs and the ring reads meanwhile: the size, the timestamp and the extension ids.
\t\t\tuint16_t size{ 0u };
\t\t\tuint32_t timestamp{ 0u };
\t\t\tRTC::RtpPacket::ExtensionIds extensionIds{};
`,
  },
  {
    why: 'retransmission: a packet parsed again from stored bytes gets the extension ids the original had',
    upstream: UPSTREAM,
    file: 'include/RTC/RtpPacket.hpp',
    find: `\t\tvoid SetVideoOrientationExtensionId(uint8_t id)
\t\t{
\t\t\tthis->videoOrientationExtensionId = id;
\t\t}
`,
    replace: `\t\tvoid SetVideoOrientationExtensionId(uint8_t id)
\t\t{
\t\t\tthis->videoOrientationExtensionId = id;
\t\t}

\t\t// stagecast (retransmission ring): the extension ids this packet was given, so that a packet
\t\t// parsed again from its bytes (a stored packet asked for by a NACK) gets the same ones.
\t\tstruct ExtensionIds
\t\t{
\t\t\tuint8_t mid;
\t\t\tuint8_t rid;
\t\t\tuint8_t rrid;
\t\t\tuint8_t absSendTime;
\t\t\tuint8_t transportWideCc01;
\t\t\tuint8_t frameMarking07;
\t\t\tuint8_t frameMarking;
\t\t\tuint8_t ssrcAudioLevel;
\t\t\tuint8_t videoOrientation;
\t\t};

\t\tExtensionIds GetExtensionIds() const
\t\t{
\t\t\treturn ExtensionIds{ this->midExtensionId,          this->ridExtensionId,
\t\t\t\t                   this->rridExtensionId,         this->absSendTimeExtensionId,
\t\t\t\t                   this->transportWideCc01ExtensionId, this->frameMarking07ExtensionId,
\t\t\t\t                   this->frameMarkingExtensionId, this->ssrcAudioLevelExtensionId,
\t\t\t\t                   this->videoOrientationExtensionId };
\t\t}

\t\tvoid SetExtensionIds(const ExtensionIds& ids)
\t\t{
\t\t\tthis->midExtensionId               = ids.mid;
\t\t\tthis->ridExtensionId               = ids.rid;
\t\t\tthis->rridExtensionId              = ids.rrid;
\t\t\tthis->absSendTimeExtensionId       = ids.absSendTime;
\t\t\tthis->transportWideCc01ExtensionId = ids.transportWideCc01;
\t\t\tthis->frameMarking07ExtensionId    = ids.frameMarking07;
\t\t\tthis->frameMarkingExtensionId      = ids.frameMarking;
\t\t\tthis->ssrcAudioLevelExtensionId    = ids.ssrcAudioLevel;
\t\t\tthis->videoOrientationExtensionId  = ids.videoOrientation;
\t\t}
`,
  },
  {
    why: 'retransmission: the ring and pool functions',
    upstream: UPSTREAM,
    file: HEADER,
    find: `\t\tvoid ClearBuffer();
\t\tvoid UpdateBufferStartIdx();
`,
    replace: `\t\tvoid ClearBuffer();
\t\t// stagecast back-port (retransmission ring, see RtpStreamSend.cpp): replace UpdateBufferStartIdx().
\t\tStorageItem* GetStoredItem(uint16_t seq) const;
\t\tvoid ReleaseOldest();
\t\tvoid ReleaseStored();
\t\tStorageItem* TakeItem();
\t\tvoid GiveBackItem(StorageItem* storageItem);
`,
  },
  {
    why: 'retransmission: a ring allocated with the first packet instead of 65,536 pointers and 600 slots up front',
    upstream: UPSTREAM,
    file: HEADER,
    find: `\t\tstd::vector<StorageItem*> buffer;
\t\tuint16_t bufferStartIdx{ 0u };
\t\tsize_t bufferSize{ 0u };
\t\tstd::vector<StorageItem> storage;
`,
    replace: `\t\t// stagecast back-port (retransmission ring, see RtpStreamSend.cpp). Replaces a 65,536-entry
\t\t// pointer table and 600 MTU-sized slots allocated and zeroed at construction.
\t\t// Whether packets are kept for retransmission (NACK negotiated).
\t\tbool storesPackets{ false };
\t\t// RingSize pointers once a packet was stored, indexed by the low bits of its sequence number.
\t\tstd::vector<StorageItem*> ring;
\t\t// Released items kept for the next packets.
\t\tstd::vector<StorageItem*> spareItems;
\t\t// Packets in the ring, and the oldest and newest sequence numbers among them.
\t\tsize_t storedCount{ 0u };
\t\tuint16_t oldestSeq{ 0u };
\t\tuint16_t newestSeq{ 0u };
`,
  },
  {
    why: 'retransmission: nothing allocated at construction',
    upstream: UPSTREAM,
    file: SOURCE,
    find: `\t  : RTC::RtpStream::RtpStream(listener, params, 10), buffer(bufferSize > 0 ? 65536 : 0, nullptr),
\t    storage(bufferSize)
`,
    replace: `\t  // stagecast back-port (retransmission ring): bufferSize only says whether to keep packets (the
\t  // consumers pass 600 with NACK, 0 without); the ring and its items are allocated as packets come.
\t  : RTC::RtpStream::RtpStream(listener, params, 10), storesPackets(bufferSize > 0)
`,
  },
  {
    why: 'retransmission: store packets when NACK was negotiated',
    upstream: UPSTREAM,
    file: SOURCE,
    find: `\t\tif (!this->storage.empty())
\t\t\tStorePacket(packet);
`,
    replace: `\t\tif (this->storesPackets) // stagecast back-port (retransmission ring)
\t\t\tStorePacket(packet);
`,
  },
  {
    why: 'retransmission: the ring and its age-bounded pool',
    upstream: UPSTREAM,
    file: SOURCE,
    find: oldBufferFunctions(),
    replace: ringSource(),
  },
  {
    why: 'retransmission: a NACK looks a packet up by the sequence number it was stored under',
    upstream: UPSTREAM,
    file: SOURCE,
    find: `\t\t\t\tauto* storageItem = this->buffer[currentSeq];
`,
    replace: `\t\t\t\t// stagecast back-port (retransmission ring): null unless stored under currentSeq.
\t\t\t\tauto* storageItem = GetStoredItem(currentSeq);
`,
  },
  {
    why: 'retransmission: a NACKed packet is parsed from its stored bytes the first time it is asked for',
    upstream: UPSTREAM,
    file: SOURCE,
    find: `\t\t\t\tif (storageItem)
\t\t\t\t{
\t\t\t\t\tpacket = storageItem->packet;
`,
    replace: `\t\t\t\t// stagecast (retransmission ring): the packet is parsed from its stored bytes on the
\t\t\t\t// first NACK for it; bytes that do not parse are as good as not stored.
\t\t\t\tif (storageItem && !storedPacket(storageItem))
\t\t\t\t\tstorageItem = nullptr;

\t\t\t\tif (storageItem)
\t\t\t\t{
\t\t\t\t\tpacket = storageItem->packet;
`,
  },
];

/** 3.8.4's StorePacket(), ClearBuffer() and UpdateBufferStartIdx(), replaced whole. */
function oldBufferFunctions() {
  return `\tvoid RtpStreamSend::StorePacket(RTC::RtpPacket* packet)
\t{
\t\tMS_TRACE();

\t\tif (packet->GetSize() > RTC::MtuSize)
\t\t{
\t\t\tMS_WARN_TAG(
\t\t\t  rtp,
\t\t\t  "packet too big [ssrc:%" PRIu32 ", seq:%" PRIu16 ", size:%zu]",
\t\t\t  packet->GetSsrc(),
\t\t\t  packet->GetSequenceNumber(),
\t\t\t  packet->GetSize());

\t\t\treturn;
\t\t}

\t\tauto seq          = packet->GetSequenceNumber();
\t\tauto* storageItem = this->buffer[seq];

\t\t// Buffer is empty.
\t\tif (this->bufferSize == 0)
\t\t{
\t\t\t// Take the first storage position.
\t\t\tstorageItem       = std::addressof(this->storage[0]);
\t\t\tthis->buffer[seq] = storageItem;

\t\t\t// Increase buffer size and set start index.
\t\t\tthis->bufferSize++;
\t\t\tthis->bufferStartIdx = seq;
\t\t}
\t\t// The buffer item is already used. Check whether we should replace its
\t\t// storage with the new packet or just ignore it (if duplicated packet).
\t\telse if (storageItem)
\t\t{
\t\t\tauto* storedPacket = storageItem->packet;

\t\t\tif (packet->GetTimestamp() == storedPacket->GetTimestamp())
\t\t\t\treturn;

\t\t\t// Reset the storage item.
\t\t\tresetStorageItem(storageItem);

\t\t\t// If this was the item referenced by the buffer start index, move it to
\t\t\t// the next one.
\t\t\tif (this->bufferStartIdx == seq)
\t\t\t\tUpdateBufferStartIdx();
\t\t}
\t\t// Buffer not yet full, add an entry.
\t\telse if (this->bufferSize < this->storage.size())
\t\t{
\t\t\t// Take the next storage position.
\t\t\tstorageItem       = std::addressof(this->storage[this->bufferSize]);
\t\t\tthis->buffer[seq] = storageItem;

\t\t\t// Increase buffer size.
\t\t\tthis->bufferSize++;
\t\t}
\t\t// Buffer full, remove oldest entry and add new one.
\t\telse
\t\t{
\t\t\tauto* firstStorageItem = this->buffer[this->bufferStartIdx];

\t\t\t// Reset the first storage item.
\t\t\tresetStorageItem(firstStorageItem);

\t\t\t// Unfill the buffer start item.
\t\t\tthis->buffer[this->bufferStartIdx] = nullptr;

\t\t\t// Move the buffer start index.
\t\t\tUpdateBufferStartIdx();

\t\t\t// Take the freed storage item.
\t\t\tstorageItem       = firstStorageItem;
\t\t\tthis->buffer[seq] = storageItem;
\t\t}

\t\t// Clone the packet into the retrieved storage item.
\t\tstorageItem->packet = packet->Clone(storageItem->store);
\t}

\tvoid RtpStreamSend::ClearBuffer()
\t{
\t\tMS_TRACE();

\t\tif (this->storage.empty())
\t\t\treturn;

\t\tfor (uint32_t idx{ 0 }; idx < this->buffer.size(); ++idx)
\t\t{
\t\t\tauto* storageItem = this->buffer[idx];

\t\t\tif (!storageItem)
\t\t\t{
\t\t\t\tMS_ASSERT(!this->buffer[idx], "key should be NULL");

\t\t\t\tcontinue;
\t\t\t}

\t\t\t// Reset (free RTP packet) the storage item.
\t\t\tresetStorageItem(storageItem);

\t\t\t// Unfill the buffer item.
\t\t\tthis->buffer[idx] = nullptr;
\t\t}

\t\t// Reset buffer.
\t\tthis->bufferStartIdx = 0;
\t\tthis->bufferSize     = 0;
\t}

\t/**
\t * Iterates the buffer starting from the current start idx + 1 until next
\t * used one. It takes into account that the buffer is circular.
\t */
\tinline void RtpStreamSend::UpdateBufferStartIdx()
\t{
\t\tuint16_t seq = this->bufferStartIdx + 1;

\t\tfor (uint32_t idx{ 0 }; idx < this->buffer.size(); ++idx, ++seq)
\t\t{
\t\t\tauto* storageItem = this->buffer[seq];

\t\t\tif (storageItem)
\t\t\t{
\t\t\t\tthis->bufferStartIdx = seq;

\t\t\t\tbreak;
\t\t\t}
\t\t}
\t}
`;
}
