/**
 * Vafa in the cart and checkout blocks' order summary: "You will earn N
 * points" and "Use your points" (catalog rewards and pay with points).
 *
 * Everything shown comes from the Store API cart (extensions.vafa), which
 * WooCommerce fetches again after every cart change, so the earn line follows
 * quantities and coupons without a page load; numbers arrive formatted in the
 * shopper's locale (Persian and Arabic digits). Redeeming goes through
 * extensionCartUpdate (namespace "vafa"): the server redeems at the Vafa
 * service and applies the code as a coupon in the same request, so the block
 * shows the new totals at once. Removing the coupon releases the points.
 * Built with @wordpress/scripts (npm run build in plugin-php/); the built
 * file and its dependency list are committed in assets/build/.
 */
import { useState } from '@wordpress/element';
import { registerPlugin } from '@wordpress/plugins';
import { __, sprintf } from '@wordpress/i18n';
import { ExperimentalOrderMeta, extensionCartUpdate } from '@woocommerce/blocks-checkout';

// A fresh token per click: the server uses it in the Idempotency-Key, so a
// double click on one button issues one reward.
const token = () => Math.random().toString( 36 ).slice( 2 ) + Date.now().toString( 36 );

const PayWithPoints = ( { pay, busy, redeem } ) => {
	const [ points, setPoints ] = useState( String( pay.max ) );
	const n = parseInt( points, 10 );
	const valid = n >= pay.min && n <= pay.max;
	return (
		<p className="vafa-pay">
			<label>
				{ pay.name }{ ' ' }
				<input
					type="number"
					className="vafa-pay-points"
					min={ pay.min }
					max={ pay.max }
					step="1"
					value={ points }
					onChange={ ( e ) => setPoints( e.target.value ) }
				/>
			</label>{ ' ' }
			<span className="vafa-bounds">{ pay.hint }</span>{ ' ' }
			<button
				type="button"
				className="wc-block-components-button vafa-pay-button"
				disabled={ busy || ! valid }
				onClick={ () => redeem( { reward_id: pay.reward_id, points: n } ) }
			>
				{ __( 'Use points', 'vafa' ) }
			</button>
		</p>
	);
};

// The order-meta slot gives its fills { cart, extensions, context }; the
// cart's extension data is the extensions prop.
const Vafa = ( { extensions } ) => {
	const vafa = ( extensions && extensions.vafa ) || {};
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState( '' );
	const earn = vafa.earn_text ? <p className="vafa-earn" data-points={ vafa.earn }>{ vafa.earn_text }</p> : null;
	const dir = vafa.rtl ? 'rtl' : 'ltr';
	if ( ! vafa.logged_in ) {
		return (
			<div className="vafa vafa-block" dir={ dir }>
				{ earn }
				<p className="vafa-redeem vafa-login">{ __( 'Log in to use your points.', 'vafa' ) }</p>
			</div>
		);
	}
	const rewards = ( vafa.rewards || [] ).filter( ( r ) => r.affordable );
	const pay = vafa.pay_with_points;
	const redeem = ( data ) => {
		setBusy( true );
		setError( '' );
		extensionCartUpdate( { namespace: 'vafa', data: { ...data, token: token() } } )
			.catch( ( e ) => setError( ( e && e.message ) || __( 'Rewards are temporarily unavailable.', 'vafa' ) ) )
			.finally( () => setBusy( false ) );
	};
	return (
		<div className="vafa vafa-block" dir={ dir }>
			{ earn }
			{ rewards.length || pay ? (
				<div className="vafa-redeem">
					<p className="vafa-title"><strong>{ __( 'Use your points', 'vafa' ) }</strong></p>
					<p className="vafa-available" data-points={ vafa.available }>
						{ /* translators: %s: number of points */ sprintf( __( 'You have %s points.', 'vafa' ), vafa.available_text ) }
					</p>
					{ rewards.map( ( r ) => (
						<button
							key={ r.id }
							type="button"
							className="wc-block-components-button vafa-redeem-button"
							data-reward={ r.id }
							disabled={ busy }
							onClick={ () => redeem( { reward_id: r.id } ) }
						>
							{ /* translators: 1: reward name, 2: its cost in points */ sprintf( __( 'Redeem %1$s (%2$s)', 'vafa' ), r.name, r.cost_text ) }
						</button>
					) ) }
					{ pay ? <PayWithPoints pay={ pay } busy={ busy } redeem={ redeem } /> : null }
					{ error ? <p className="vafa-error" role="alert">{ error }</p> : null }
				</div>
			) : null }
		</div>
	);
};

registerPlugin( 'vafa-redeem', {
	// The slot gives its fills the cart, extensions and context.
	render: () => (
		<ExperimentalOrderMeta>
			<Vafa />
		</ExperimentalOrderMeta>
	),
	scope: 'woocommerce-checkout',
} );
