import struct
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b))
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
def ip(a): return bytes(int(x) for x in a.split('.'))
def mac(m): return bytes.fromhex(m.replace(':',''))
def frame(ver, src, dst, smac, dmac, vrid, prio, adver, addrs, ttl=255, auth=0, count=None, breakcs=False, ver_field=None, typ=1):
    n=len(addrs) if count is None else count
    body=bytes([((ver_field or ver)<<4)|typ, vrid, prio, n])
    if ver==2: body+=bytes([auth, adver])+b'\0\0'
    else: body+=struct.pack('!H',(adver*100)&0xfff)+b'\0\0'
    for a in addrs: body+=ip(a)
    if ver==2: body+=b'\0'*8
    if ver==2: c=csum(body)
    else:
        ph=ip(src)+ip(dst)+bytes([0,112])+struct.pack('!H',len(body))
        c=csum(ph+body)
    if breakcs: c^=0x0101
    body=body[:6]+struct.pack('!H',c)+body[8:]
    hdr=bytes([0x45,0xc0])+struct.pack('!H',20+len(body))+b'\0\0\0\0'+bytes([ttl,112])+b'\0\0'+ip(src)+ip(dst)
    hdr=hdr[:10]+struct.pack('!H',csum(hdr))+hdr[12:]
    f=mac(dmac)+mac(smac)+b'\x08\x00'+hdr+body
    f+=b'\0'*max(0,60-len(f))
    return f.hex()
G='01:00:5e:00:00:12'; M2='02:00:00:00:00:02'; M4='02:00:00:00:00:04'
out={
 'V2':frame(2,'198.18.0.2','224.0.0.18',M2,G,7,200,1,['198.18.0.3']),
 'V2_RESIGN':frame(2,'198.18.0.2','224.0.0.18',M2,G,7,0,1,['198.18.0.3']),
 'V3':frame(3,'198.18.0.2','224.0.0.18',M2,G,7,200,1,['198.18.0.3']),
 'V2_UNICAST':frame(2,'198.18.0.2','198.18.0.4',M2,M4,7,200,1,['198.18.0.3']),
 'V2_VMAC':frame(2,'198.18.0.2','224.0.0.18','00:00:5e:00:01:07',G,7,200,1,['198.18.0.3']),
 'PEER_V2':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3']),
 'PEER_V3':frame(3,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3']),
 'PEER_TTL254':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3'],ttl=254),
 'PEER_BADSUM':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3'],breakcs=True),
 'PEER_VRID8':frame(2,'198.18.0.4','224.0.0.18',M4,G,8,100,1,['198.18.0.3']),
 'PEER_SHORT':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3'],count=3),
 'PEER_AUTH1':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3'],auth=1),
 'PEER_ADVER2':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,2,['198.18.0.3']),
 'PEER_TYPE2':frame(2,'198.18.0.4','224.0.0.18',M4,G,7,100,1,['198.18.0.3'],typ=2),
}
for k,v in out.items(): print('    static final String %s = "%s";'%(k,v))
