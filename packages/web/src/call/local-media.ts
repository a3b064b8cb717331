/** Why the camera and microphone could not be used, in words for the person in front of them. */
export class MediaAccessError extends Error {
  constructor(
    readonly kind: "unsupported" | "denied" | "no-device" | "busy" | "other",
    message: string,
  ) {
    super(message);
  }
}

/** Whether this browser can make calls at all (camera API and WebRTC). */
export function browserSupportsCalls(): boolean {
  return (
    typeof RTCPeerConnection !== "undefined" &&
    typeof navigator !== "undefined" &&
    typeof navigator.mediaDevices?.getUserMedia === "function"
  );
}

export interface DeviceChoice {
  cameraId?: string;
  microphoneId?: string;
}

/** Opens camera and microphone (640x360, as the original asked), the chosen devices if any. */
export async function openLocalMedia(choice: DeviceChoice = {}): Promise<MediaStream> {
  if (!browserSupportsCalls())
    throw new MediaAccessError(
      "unsupported",
      "This browser cannot make video calls (no camera or WebRTC support).",
    );
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : true,
      video: {
        width: { ideal: 640 },
        height: { ideal: 360 },
        ...(choice.cameraId && { deviceId: { exact: choice.cameraId } }),
      },
    });
  } catch (err) {
    throw describeMediaError(err);
  }
}

export function describeMediaError(err: unknown): MediaAccessError {
  const name = (err as { name?: string }).name;
  if (name === "NotAllowedError" || name === "SecurityError")
    return new MediaAccessError(
      "denied",
      "Camera and microphone are blocked. Allow them for this site in the browser's address bar, then try again.",
    );
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return new MediaAccessError("no-device", "No camera or microphone was found. Connect one and try again.");
  if (name === "NotReadableError" || name === "AbortError")
    return new MediaAccessError("busy", "The camera or microphone is in use by another program.");
  return new MediaAccessError(
    "other",
    `Unable to access camera and microphone: ${(err as Error).message ?? err}`,
  );
}

/** Cameras and microphones, for the device pickers (labels appear once permission is given). */
export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: devices.filter((d) => d.kind === "videoinput"),
    microphones: devices.filter((d) => d.kind === "audioinput"),
  };
}
