// Passkey sign-in for the built-in page. Each form marked data-webauthn asks its provider's
// webauthn-options endpoint what to do (register a new address, or authenticate), runs the
// WebAuthn ceremony in the browser, and posts the result to the provider's callback as
// `action` and `data`, the fields Auth.js's callback reads. No third-party script is loaded.
(function () {
  "use strict";
  if (!window.PublicKeyCredential) {
    document.querySelectorAll("form[data-webauthn] [data-webauthn-status]").forEach(function (el) {
      el.textContent = "This browser does not support passkeys.";
    });
    return;
  }

  function decode(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function encode(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return { id: decode(c.id), type: c.type, transports: c.transports };
    });
  }

  function creationOptions(o) {
    var options = Object.assign({}, o);
    options.challenge = decode(o.challenge);
    options.user = Object.assign({}, o.user, { id: decode(o.user.id) });
    options.excludeCredentials = descriptors(o.excludeCredentials);
    return options;
  }

  function requestOptions(o) {
    var options = Object.assign({}, o);
    options.challenge = decode(o.challenge);
    options.allowCredentials = descriptors(o.allowCredentials);
    return options;
  }

  function registrationJSON(c) {
    return {
      id: c.id,
      rawId: encode(c.rawId),
      type: c.type,
      response: {
        clientDataJSON: encode(c.response.clientDataJSON),
        attestationObject: encode(c.response.attestationObject),
        transports: c.response.getTransports ? c.response.getTransports() : [],
      },
      clientExtensionResults: c.getClientExtensionResults(),
      authenticatorAttachment: c.authenticatorAttachment || undefined,
    };
  }

  function authenticationJSON(c) {
    return {
      id: c.id,
      rawId: encode(c.rawId),
      type: c.type,
      response: {
        authenticatorData: encode(c.response.authenticatorData),
        clientDataJSON: encode(c.response.clientDataJSON),
        signature: encode(c.response.signature),
        userHandle: c.response.userHandle ? encode(c.response.userHandle) : undefined,
      },
      clientExtensionResults: c.getClientExtensionResults(),
      authenticatorAttachment: c.authenticatorAttachment || undefined,
    };
  }

  function submit(form, action, data) {
    var post = document.createElement("form");
    post.method = "POST";
    post.action = form.dataset.callback;
    post.hidden = true;
    var fields = [["action", action], ["data", JSON.stringify(data)]];
    if (form.dataset.callbackUrl) fields.push(["callbackUrl", form.dataset.callbackUrl]);
    fields.forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      post.appendChild(input);
    });
    document.body.appendChild(post);
    post.submit();
  }

  function fetchOptions(form, params) {
    var query = new URLSearchParams(params).toString();
    return fetch(form.dataset.options + (query ? "?" + query : ""), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body && body.error ? body.error : "The server refused.");
        return body;
      });
    });
  }

  // One ceremony at a time: a new one (the button) aborts the one before (the autofill offer),
  // including one still waiting for its options.
  var current = null;

  function ceremony(form, params, mediation) {
    if (current) current.abort();
    var controller = new AbortController();
    current = controller;
    return fetchOptions(form, params).then(function (answer) {
      if (controller.signal.aborted) return;
      if (answer.action === "register") {
        return navigator.credentials
          .create({ publicKey: creationOptions(answer.options), signal: controller.signal })
          .then(function (c) {
            submit(form, "register", registrationJSON(c));
          });
      }
      var request = { publicKey: requestOptions(answer.options), signal: controller.signal };
      if (mediation) request.mediation = mediation;
      return navigator.credentials.get(request).then(function (c) {
        if (c) submit(form, "authenticate", authenticationJSON(c));
      });
    });
  }

  function report(form, error) {
    if (error && error.name === "AbortError") return;
    var status = form.querySelector("[data-webauthn-status]");
    if (status) status.textContent = error && error.message ? error.message : String(error);
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var email = form.querySelector("input[name=email]");
      var params = email && email.value ? { email: email.value } : {};
      ceremony(form, params).catch(function (e) {
        report(form, e);
      });
    });
    if (form.dataset.conditional === "true" && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) return;
        ceremony(form, { action: "authenticate" }, "conditional").catch(function (e) {
          report(form, e);
        });
      });
    }
  });
})();
