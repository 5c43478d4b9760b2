// The call page: create an account or sign in, start or join a call, see and chat with the others.
import { api, CallClient } from "./call-client.js";

const $ = (selector) => document.querySelector(selector);
const state = { token: null, user: null, client: null };

function signedIn({ user, accessToken }) {
  state.token = accessToken;
  state.user = user;
  $("#who").textContent = `Signed in as @${user.handle}`;
  $("#start").disabled = false;
  $("#join-form button").disabled = false;
}

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

function showError(error) {
  $("#status").textContent = `error: ${error.message}`;
}

$("#register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    signedIn(await api("/v1/auth/register", { method: "POST", body: formValues(event.target) }));
  } catch (error) {
    showError(error);
  }
});

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    signedIn(await api("/v1/auth/login", { method: "POST", body: formValues(event.target) }));
  } catch (error) {
    showError(error);
  }
});

async function joinCall(callId, inviteCode) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  $("#local").srcObject = stream;
  const client = new CallClient({ token: state.token, callId, inviteCode, stream });
  state.client = client;
  // For the end-to-end test and for debugging in the console.
  window.plazaCall = client;
  client.addEventListener("status", (event) => {
    $("#status").textContent = event.detail;
  });
  client.addEventListener("remote-stream", ({ detail }) => {
    let video = document.getElementById(`remote-${detail.userId}`);
    if (!video) {
      video = document.createElement("video");
      video.id = `remote-${detail.userId}`;
      video.autoplay = true;
      video.playsInline = true;
      $("#remotes").append(video);
    }
    video.srcObject = detail.stream;
  });
  client.addEventListener("peer-closed", ({ detail }) =>
    document.getElementById(`remote-${detail.userId}`)?.remove(),
  );
  client.addEventListener("message", ({ detail }) => addMessage(detail.from, detail.text));
  $("#call-id").textContent = callId;
  $("#leave").disabled = false;
  await client.join(state.user.id);
}

function addMessage(from, text) {
  const member = state.client?.members.find((m) => m.userId === from);
  const item = document.createElement("li");
  item.textContent = `${member ? `@${member.handle}` : from}: ${text}`;
  $("#messages").append(item);
}

$("#start").addEventListener("click", async () => {
  try {
    const created = await api("/v1/calls", {
      token: state.token,
      method: "POST",
      body: { title: "Plaza call" },
    });
    $("#invite-code").textContent = created.inviteCode;
    await joinCall(created.id, created.inviteCode);
  } catch (error) {
    showError(error);
  }
});

$("#join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { callId, inviteCode } = formValues(event.target);
  try {
    $("#invite-code").textContent = inviteCode;
    await joinCall(callId.trim(), inviteCode.trim());
  } catch (error) {
    showError(error);
  }
});

$("#chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = event.target.elements.text;
  if (state.client?.sendMessage(input.value)) {
    addMessage(state.user.id, input.value);
    input.value = "";
  }
});

$("#leave").addEventListener("click", () => state.client?.leave());
