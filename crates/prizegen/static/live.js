// /live: keeps the page's figures current from the front end's event stream (/live/events).
// Each event is a whole snapshot whose figures are already written as text; this module only
// puts that text in place (textContent, never HTML) and rebuilds each service's table of
// instances. When the stream ends (the front end drains, or this tab fell behind), the browser
// reconnects by itself, possibly to another replica.

const status = document.getElementById("live-status");

function setText(id, text) {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

function field(section, name) {
  return section.querySelector(`[data-field="${name}"]`);
}

function row(instance) {
  const tr = document.createElement("tr");
  tr.dataset.servedBy = instance.served_by;
  tr.dataset.impl = instance.implementation;
  const who = document.createElement("td");
  const version = document.createElement("span");
  version.className = "impl";
  version.textContent = instance.implementation;
  const name = document.createElement("span");
  name.className = "instance";
  name.textContent = instance.instance;
  who.append(version, " ", name);
  tr.append(who);
  const share = document.createElement("td");
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = instance.percent;
  bar.textContent = instance.text;
  const figure = document.createElement("span");
  figure.className = "share";
  figure.textContent = instance.text;
  share.append(figure, bar);
  tr.append(share);
  return tr;
}

function showState(section, state) {
  section.dataset.state = state.state;
  field(section, "state").textContent = state.state;
  field(section, "detail").textContent = state.detail;
}

function show(snapshot) {
  setText("live-frontend", snapshot.frontend.served_by);
  setText("live-window", String(snapshot.window_seconds));
  setText("live-rate", snapshot.frontend.text.rate);
  setText("live-errors", snapshot.frontend.text.errors);
  setText("live-p50", snapshot.frontend.text.p50);
  setText("live-p99", snapshot.frontend.text.p99);
  for (const service of snapshot.services) {
    const section = document.getElementById(`live-${service.service}`);
    if (!section) continue;
    showState(section, service);
    field(section, "rate").textContent = service.text.rate;
    field(section, "errors").textContent = service.text.errors;
    const fault = field(section, "fault");
    fault.textContent = service.text.fault;
    fault.dataset.fault = service.text.fault === "off" ? "off" : "on";
    section.querySelector("tbody").replaceChildren(...service.instances.map(row));
    field(section, "empty").hidden = service.instances.length > 0;
  }
  const database = document.getElementById("live-database");
  if (database) showState(database, snapshot.database);
  const at = new Date(snapshot.at);
  const time = document.createElement("time");
  time.id = "live-at";
  time.dateTime = snapshot.at;
  time.textContent = at.toLocaleTimeString();
  status.dataset.state = "live";
  status.replaceChildren("Live, updated at ", time, `; ${snapshot.viewers} watching this front end.`);
}

const events = new EventSource("/live/events");
events.addEventListener("snapshot", (event) => show(JSON.parse(event.data)));
events.addEventListener("error", () => {
  status.dataset.state = "reconnecting";
  status.textContent = "Reconnecting to the live figures…";
});
