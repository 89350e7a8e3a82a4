/**
 * Referral landing: on any page opened with ?ref=CODE, keep the code in the
 * first-party cookie the checkout reads ("CODE.unix-time", SameSite=Lax,
 * Secure on HTTPS) and show a dismissible welcome notice when the code is
 * valid. Runs in the browser so cached pages need no PHP; the notice text
 * and its button's come from the plugin's REST route (vafa/v1/referral/CODE),
 * already translated. Settings arrive in window.vafaReferral (wp_localize_script).
 */
( function () {
	const cfg = window.vafaReferral;
	if ( ! cfg ) {
		return;
	}
	let code;
	try {
		code = new URLSearchParams( window.location.search ).get( 'ref' );
	} catch ( e ) {
		return;
	}
	if ( ! code || ! /^[A-Za-z0-9]{6,16}$/.test( code ) ) {
		return;
	}
	code = code.toUpperCase();
	const now = Math.floor( Date.now() / 1000 );
	document.cookie =
		cfg.cookie + '=' + code + '.' + now + '; Max-Age=' + cfg.days * 86400 + '; Path=/; SameSite=Lax' + ( cfg.secure ? '; Secure' : '' );

	const dismissed = 'vafa_ref_dismissed_' + code;
	try {
		if ( window.localStorage.getItem( dismissed ) ) {
			return;
		}
	} catch ( e ) {}
	window
		.fetch( cfg.route + encodeURIComponent( code ), { credentials: 'same-origin' } )
		.then( ( r ) => ( r.ok ? r.json() : null ) )
		.then( ( answer ) => {
			if ( ! answer || ! answer.valid || ! answer.message ) {
				return;
			}
			const box = document.createElement( 'div' );
			box.className = 'vafa vafa-referral-notice';
			box.setAttribute( 'role', 'status' );
			box.dir = cfg.rtl ? 'rtl' : 'ltr';
			const text = document.createElement( 'span' );
			text.textContent = answer.message;
			const close = document.createElement( 'button' );
			close.type = 'button';
			close.className = 'vafa-dismiss';
			close.textContent = answer.dismiss;
			close.addEventListener( 'click', () => {
				box.remove();
				try {
					window.localStorage.setItem( dismissed, '1' );
				} catch ( e ) {}
			} );
			box.append( text, ' ', close );
			document.body.prepend( box );
		} )
		.catch( () => {} );
} )();
