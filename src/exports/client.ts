/** `scattercast/client`: ask a cluster's frontend, receive a session's channels (multicast first, else unicast) and send into them, following the session when it moves. */
export { askFrontend, type AnnouncementRef } from '../client/frontend-client.ts';
export { tuneIn, type TuneInOptions, type TunedIn } from '../client/tune-in.ts';
export { joinSession, pickChannels, type JoinSessionOptions, type JoinedSession } from '../client/join-session.ts';
export { attachSender, type SenderOptions, type StayingSender } from '../client/staying-sender.ts';
export { receiveChannel, type ReceiveOptions, type Reception } from '../client/receive-channel.ts';
export { attachChannel, type ChannelAttachment } from '../client/channel-client.ts';
export { RateFollower } from '../client/rate-follower.ts';
export { receiveFile, type FileReceiver, type FileReceiverOptions } from '../client/file-receiver.ts';
export { sendFile, type FileSender, type FileSenderOptions } from '../client/file-sender.ts';
export { buildManifest } from '../client/file-manifest.ts';
export type { ChannelAnswer, JoinAnswer, MulticastGroup } from '../api/join-answer.ts';
export { buildAnnouncement, renderAnnouncement } from '../session/announcement-build.ts';
export { parseAnnouncement, parseToSign, type Announcement, type ChannelSpec, type CreatorSignature } from '../session/announcement.ts';
export { signAnnouncement } from '../session/announcement-signature.ts';
export { creatorKeyId } from '../session/creator-key.ts';
export { issueSourceToken, TOKEN_NONCE_BYTES } from '../session/source-token.ts';
export { payloadOf, type DataHeader, type DataPacket } from '../session/data-header.ts';
export { ErrorCode, ScError } from '../core/errors.ts';
