// the views' behaviour, shared by every view (kg/viz/page.py copies it to views/lib/):
// draw the graph in #graph-data, settle it, tooltips to the side panel, filters, search.
"use strict";
var data = JSON.parse(document.getElementById("graph-data").textContent);
var nodes = new vis.DataSet(data.nodes);
var edges = new vis.DataSet(data.edges);
var container = document.getElementById("mynetwork");
var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
window.network = network;
if (data.nodes.length === 0) {   // after the network: vis-network empties its container
  var msg = document.createElement("div");
  msg.className = "empty";
  msg.textContent = data.empty_message;
  container.appendChild(msg);
}
function ready() { document.body.dataset.ready = "1"; }
// key labels (places, hubs; every label of a small view) stay readable at any zoom: zoomed out, their font
// grows so that they are drawn at LABEL_PX on screen; the others show up as one zooms in
var LABEL_PX = 13;
var keyNodes = data.nodes.filter(function (n) { return n.key; });
var lastScale = 0;
function readable() {
  var s = network.getScale();
  if (!keyNodes.length || !(s > 0) || Math.abs(s - lastScale) < 0.04 * s) { return; }
  lastScale = s;
  nodes.update(keyNodes.map(function (n) {
    return {id: n.id, font: {size: Math.max(n.font.size, LABEL_PX / s)}};
  }));
}
network.on("zoom", readable);
function settled() {           // fitted and drawn: make the key labels readable, then say so
  readable();
  network.once("afterDrawing", ready);
  network.redraw();
}
if (data.physics && data.nodes.length) {
  // settle once, then stop: a graph that keeps moving cannot be read
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: {enabled: false}});
    network.once("afterDrawing", settled);
  });
} else {
  network.once("afterDrawing", settled);
  if (!data.nodes.length) { ready(); }
}
// details panel: the whole tooltip text, as text
var details = document.getElementById("details");
network.on("click", function (p) {
  var item = p.nodes.length ? nodes.get(p.nodes[0]) : (p.edges.length ? edges.get(p.edges[0]) : null);
  if (item) { details.textContent = item.title; }
});
// filters: hide a class of nodes or a kind of link
function applyFilters() {
  var hideNode = {}, hideEdge = {};
  document.querySelectorAll(".f-node").forEach(function (c) { hideNode[c.value] = !c.checked; });
  document.querySelectorAll(".f-edge").forEach(function (c) { hideEdge[c.value] = !c.checked; });
  nodes.update(data.nodes.map(function (n) { return {id: n.id, hidden: !!hideNode[n.cls]}; }));
  edges.update(data.edges.map(function (e) { return {id: e.id, hidden: !!hideEdge[e.predicate]}; }));
}
document.querySelectorAll(".f-node, .f-edge").forEach(function (c) { c.addEventListener("change", applyFilters); });
// search: select and focus every node whose name contains the text
var names = document.getElementById("names");
data.nodes.slice(0, 5000).forEach(function (n) { var o = document.createElement("option"); o.value = n.full; names.appendChild(o); });
document.getElementById("search").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var q = document.getElementById("q").value.trim();
  var hits = q ? data.nodes.filter(function (n) { return n.full.indexOf(q) >= 0; }).map(function (n) { return n.id; }) : [];
  document.getElementById("found").textContent = q ? ("找到 " + hits.length + " 个") : "";
  network.selectNodes(hits);
  if (hits.length) {
    network.focus(hits[0], {scale: Math.max(network.getScale(), 1.0), animation: false});
    details.textContent = nodes.get(hits[0]).title;
  }
});
